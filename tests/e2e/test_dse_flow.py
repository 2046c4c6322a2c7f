"""Design-space exploration end to end in real Chromium, with a real Celery worker behind the live server:
the lab engineer defines a sweep, watches the one progress bar over all chunks run to the end, reads the
Pareto fronts (SVG charts and tables), picks a point on the front, turns it into a verification request
sees that request run to its results, downloads its stored certificate and verifies it, signed out, on the
verification page."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from platform_site.enums import Role, TenantKind
from platform_site.tenancy import tenant_scope
from tests.e2e.test_hwsim_flow import worker  # noqa: F401  (the real worker fixture)
from tests.factories import TenantFactory, persona

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_engineer_runs_a_sweep_picks_a_front_point_and_verifies_it(page: Any, login: Any, worker: Any) -> None:  # noqa: F811
    lab = TenantFactory(
        slug="ailab",
        name="AI晶片異質整合驗證實驗室",
        name_en="AI-Chip Verification Lab",
        kind=TenantKind.VERIFICATION_LAB,
    )
    engineer = persona(lab, Role.OFFICE_REVIEWER, first_name="王美玲")

    login(page, engineer)
    page.goto("/t/ailab/")
    page.click("nav a[href='/t/ailab/lab/dse/']")
    page.click("#new-sweep")
    page.fill("#id_title", "邊緣推論晶片選型")
    page.select_option("#id_workload", "resnet18")
    page.fill("#id_batch", "4")
    page.select_option("#id_scenario", "Offline")
    page.fill("#id_shapes", "16x16, 32x32, 64x64")
    page.fill("#id_sram_kib", "64, 256")
    page.fill("#id_chiplets", "1, 2, 4")
    page.check("input[name=dataflows][value=is]")
    page.check("input[name=packages][value=si]")
    page.click("#run-sweep")
    page.wait_for_url("**/t/ailab/lab/dse/*/")

    # One bar over all chunks, polled by htmx until the sweep ends.
    page.wait_for_selector("#dse-status[data-state=succeeded]", timeout=120_000)
    assert page.locator("#dse-status [role=progressbar]").get_attribute("aria-valuenow") == "100"
    assert page.locator("#dse-status[hx-trigger]").count() == 0
    page.click("#results-link")
    page.wait_for_url("**/results/")
    assert page.locator("svg.dse-chart").count() == 2
    assert page.locator("#chart-cost circle.front-point").count() >= 2

    # Pick the highest-throughput point of the cost front on the chart: it leads to its row, then verify it.
    index = page.locator("#front-cost tbody tr").first.get_attribute("data-index")
    page.locator(f"#chart-cost circle.front-point[data-index='{index}']").click()
    page.wait_for_url(f"**/results/#row-cost-{index}")
    page.locator(f"#row-cost-{index} .verify-button").click()
    page.wait_for_url("**/t/ailab/lab/requests/*/")
    page.wait_for_selector("#job-status[data-state=succeeded]", timeout=120_000)
    page.wait_for_selector("#job-status[data-report=ready]", timeout=120_000)  # the worker stored the certificate
    page.click("#results-link")
    page.wait_for_url("**/results/")
    with page.expect_download() as download_info:
        page.click("#certificate-link")
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    sha = hashlib.sha256(pdf).hexdigest()
    assert page.locator("#certificate-sha256").inner_text().strip() == sha
    verify_url = page.locator("#verify-link").get_attribute("href")
    page.context.clear_cookies()  # whoever holds the PDF checks it without an account
    page.goto(verify_url)
    page.fill("#id_sha256", sha)
    page.click("#verify-button")
    page.wait_for_selector("#verify-result[data-result=genuine]")

    with tenant_scope(lab):
        from hwsim.models import DseRequest, VerificationJob, VerificationRequest

        sweep = DseRequest.objects.get()
        request = VerificationRequest.objects.get()
        preset = request.platforms.get()
        assert preset.key == f"dse-{sweep.pk}-{index}"
        assert request.scenarios == ["Offline"] and request.workloads == [{"key": "resnet18", "batch": 4}]
        assert VerificationJob.objects.get(request=request).state == "succeeded"
        assert request.report_number
