"""The verification lab end to end in real Chromium, with a real Celery worker behind the live server:
a lab engineer requests a verification of two platforms, watches the htmx progress bar run to the end,
opens the results with their stored charts, downloads the stored PDF certificate (twice: the same bytes)
and checks it on the public verification page, signed out, as the chip company it is forwarded to would:
its SHA-256 is genuine, a tampered one is not."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from kombu import pools as kombu_pools

from platform_site.celery import app as celery_app
from platform_site.enums import Role, TenantKind
from platform_site.tenancy import tenant_scope
from tests.factories import OrganizationFactory, TenantFactory, persona
from tests.hwsim.factories import PlatformPresetFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fresh_connection_pools() -> None:
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Any]:
    """Celery not eager; a worker thread on the broker (a private filesystem folder unless Redis is configured)."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, dict(conf.broker_transport_options or {}))
    conf.task_always_eager = False
    if conf.broker_url.startswith("filesystem"):
        folder = tmp_path / "broker"
        for sub in ("queue", "processed", "control"):
            (folder / sub).mkdir(parents=True)
        conf.broker_transport_options = {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
        }
    _fresh_connection_pools()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING") as w:
        yield w
    conf.task_always_eager, conf.broker_transport_options = saved
    _fresh_connection_pools()


def test_engineer_requests_two_platforms_watches_progress_and_downloads_the_certificate(
    page: Any, login: Any, worker: Any
) -> None:
    lab = TenantFactory(
        slug="ailab",
        name="AI晶片異質整合驗證實驗室",
        name_en="AI-Chip Verification Lab",
        kind=TenantKind.VERIFICATION_LAB,
    )
    engineer = persona(lab, Role.OFFICE_REVIEWER, first_name="王美玲")
    customer = OrganizationFactory(tenant=lab, name="晶創科技股份有限公司")
    PlatformPresetFactory(tenant=lab, key="ws32-7nm-os", name="單晶片 32×32 WS 7 nm")
    PlatformPresetFactory(
        tenant=lab,
        key="fo4x16-5nm",
        name="4 小晶片 16×16 扇出型 5 nm",
        chiplets=4,
        accelerator={"rows": 16, "cols": 16, "dataflow": "ws"},
        node_nm=5,
        package="fo-chip-last",
        chiplet_area_mm2=20.0,
    )

    login(page, engineer)
    page.goto("/t/ailab/lab/requests/")
    page.click("a[href='/t/ailab/lab/requests/new/']")
    page.fill("#id_title", "邊緣推論晶片跨平台效能驗證")
    page.check("#platforms input[type=checkbox] >> nth=0")
    page.check("#platforms input[type=checkbox] >> nth=1")
    page.check("#id_workload_resnet18")
    page.fill("#id_batch_resnet18", "4")
    page.check("input[name=scenarios][value=SingleStream]")
    page.uncheck("input[name=scenarios][value=Offline]")
    page.check("input[name=scenarios][value=Server]")
    page.uncheck("#id_quick")  # a full run: the Server QPS search takes seconds, so the bar is seen moving
    page.select_option("#id_requester_org", str(customer.pk))
    page.click("#request-form button[type=submit]")
    page.wait_for_url("**/t/ailab/lab/requests/*/")

    # The status partial is polled by htmx every second: running with a partial bar, then succeeded.
    page.wait_for_selector("#job-status[data-state=running]", timeout=60_000)
    bar = page.locator("#job-status [role=progressbar]")
    assert int(bar.get_attribute("aria-valuenow")) < 100
    # while the Server QPS search runs (seconds) the bar is part-way and shows an estimate of the time left
    page.wait_for_selector("#job-time-left", timeout=60_000)
    assert "left" in page.locator("#job-time-left").inner_text() or "剩" in page.locator("#job-time-left").inner_text()
    page.wait_for_selector("#job-status[data-state=succeeded]", timeout=120_000)
    assert bar.get_attribute("aria-valuenow") == "100"
    # the worker builds and stores the charts and the certificate; the bar polls until they are stored
    page.wait_for_selector("#job-status[data-report=ready]", timeout=120_000)
    assert page.locator("#job-status[hx-trigger]").count() == 0  # polling stopped

    page.click("#results-link")
    page.wait_for_url("**/results/")
    assert page.locator(".hwsim-results svg").count() >= 4
    assert page.locator("text=4 小晶片 16×16 扇出型 5 nm").count() >= 1

    with page.expect_download() as download_info:
        page.click("#certificate-link")
    download = download_info.value
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    with tenant_scope(lab):
        from hwsim.models import VerificationRequest

        request = VerificationRequest.objects.get()
    assert download.suggested_filename == f"{request.report_number}.pdf"
    assert request.requester_org_id == customer.pk
    sha = hashlib.sha256(pdf).hexdigest()
    assert page.locator("#certificate-sha256").inner_text().strip() == sha
    with page.expect_download() as again:
        page.click("#certificate-link")
    assert Path(again.value.path()).read_bytes() == pdf  # stored: byte-identical on every download
    verify_url = page.locator("#verify-link").get_attribute("href")

    # The chip company holds only the PDF: signed out, it checks number and hash on the verification page.
    page.context.clear_cookies()
    page.goto(verify_url)
    page.fill("#id_sha256", sha)
    page.click("#verify-button")
    page.wait_for_selector("#verify-result[data-result=genuine]")
    assert page.locator("#certificate-face").inner_text().count("邊緣推論晶片跨平台效能驗證") == 1
    tampered = ("0" if sha[0] != "0" else "1") + sha[1:]
    page.fill("#id_sha256", tampered)
    page.click("#verify-button")
    page.wait_for_selector("#verify-result[data-result=not-genuine]")
    assert page.locator("#certificate-face").count() == 0
