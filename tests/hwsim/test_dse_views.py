"""Design-space exploration pages: form and its errors, progress, results with charts, verify, isolation, queries."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from hwsim.enums import JobState
from hwsim.models import DseRequest, VerificationRequest
from platform_site.tenancy import tenant_scope
from tests.hwsim.test_dse_services import fresh, make_sweep, run_chunks, start

FORM = {
    "title": "ResNet-50 邊緣推論選型",
    "workload": "resnet50_v1_5",
    "batch": "8",
    "scenario": "Offline",
    "shapes": "16x16, 32×32",
    "dataflows": ["os", "ws"],
    "sram_kib": "64, 256",
    "clock_ghz": "1.0",
    "chiplets": "1, 2",
    "partitioning": ["replicate"],
    "nodes": ["7", "28"],
    "packages": ["os", "si"],
    "bandwidth_gbps": "64",
    "volume": "100000",
}


@pytest.fixture(autouse=True)
def _english(client: Any) -> None:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def url(name: str, tenant: Any, pk: int | None = None) -> str:
    kwargs = {"tenant_slug": tenant.slug} | ({} if pk is None else {"pk": pk})
    return reverse(f"hwsim_dse:{name}", kwargs=kwargs)


def finished(lab: Any, **kw: Any) -> DseRequest:
    sweep = make_sweep(lab, **kw)
    start(sweep)
    run_chunks(sweep)
    return fresh(sweep)


def test_the_form_creates_a_sweep_that_runs_to_its_fronts(
    client: Any, lab: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(lab.engineer)
    assert client.get(url("create", lab.a)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("create", lab.a), FORM)
    assert response.status_code == 302
    with tenant_scope(lab.a):
        sweep = DseRequest.objects.get()
    assert (sweep.state, sweep.size, sweep.spec["shapes"]) == (JobState.SUCCEEDED, 64, [[16, 16], [32, 32]])
    page = client.get(url("detail", lab.a, sweep.pk)).content.decode()
    assert "View the Pareto fronts" in page and "Organic substrate (MCM)" in page and 'data-state="succeeded"' in page
    results = client.get(url("results", lab.a, sweep.pk)).content.decode()
    assert results.count("<svg") == 2 and 'class="front-point"' in results
    front = sweep.results["fronts"]["cost"]
    rows = re.findall(r'<tr data-index="(\d+)" id="row-(?:cost|energy)-\1">', results)
    assert f'href="#row-cost-{front[0]}"' in results
    assert sorted(set(map(int, rows))) == sorted(set(front) | set(sweep.results["fronts"]["energy"]))
    assert "resnet50_v1_5" not in results and "fo-chip" not in results  # display names, no codes
    assert client.get(url("list", lab.a)).content.decode().count(f'/lab/dse/{sweep.pk}/"') == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"shapes": "16 by 16"}, "shapes", "is not a shape"),
        ({"shapes": "0x16"}, "shapes", "between 1 and 1024"),
        ({"shapes": ""}, "shapes", "This field is required"),
        ({"sram_kib": "64, lots"}, "sram_kib", "is not a whole number"),
        ({"sram_kib": "64, 64"}, "sram_kib", "listed twice"),
        ({"clock_ghz": "nan"}, "clock_ghz", "must be between"),
        ({"chiplets": "1, 65"}, "chiplets", "must be between 1 and 64"),
        ({"dataflows": []}, "dataflows", "This field is required"),
        ({"nodes": ["6"]}, "nodes", "Select a valid choice"),
        ({"volume": "0"}, "volume", "greater than or equal to 1"),
    ],
)
def test_bad_sweep_input_is_a_clear_form_error(client: Any, lab: Any, change: dict, field: str, message: str) -> None:
    client.force_login(lab.engineer)
    response = client.post(url("create", lab.a), FORM | change)
    assert response.status_code == 400
    errors = re.findall(rf'data-field="{field}">([^<]*)<', response.content.decode())
    assert errors and message in errors[0], errors
    with tenant_scope(lab.a):
        assert not DseRequest.objects.exists()


def test_a_sweep_too_large_is_refused_with_its_size(client: Any, lab: Any) -> None:
    client.force_login(lab.engineer)
    big = FORM | {"shapes": ",".join(f"{n}x{n}" for n in range(1, 41)), "sram_kib": ",".join(map(str, range(1, 41)))}
    response = client.post(url("create", lab.a), big | {"chiplets": "1,2,3,4", "nodes": ["3", "5", "7", "28"]})
    assert response.status_code == 400
    assert "This sweep has 102,400 configurations; at most 20,000 are allowed" in response.content.decode()


def test_progress_bar_polls_while_running_and_counts_chunks(client: Any, lab: Any) -> None:
    sweep = make_sweep(lab)
    start(sweep)
    run_chunks(sweep, [0, 1, 2])
    client.force_login(lab.engineer)
    page = client.get(url("status", lab.a, sweep.pk)).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'aria-valuenow="21"' in page and "3 of 14 chunks stored" in page
    assert client.get(url("results", lab.a, sweep.pk)).status_code == 302  # not finished yet
    assert client.post(url("cancel", lab.a, sweep.pk)).status_code == 302
    assert fresh(sweep).state == JobState.CANCELLED
    page = client.get(url("status", lab.a, sweep.pk)).content.decode()
    assert "hx-trigger" not in page
    assert client.post(url("cancel", lab.a, sweep.pk)).status_code == 409


def test_verify_button_creates_the_verification_request_and_opens_it(client: Any, lab: Any) -> None:
    sweep = finished(lab)
    index = sweep.results["fronts"]["energy"][0]
    client.force_login(lab.engineer)
    response = client.post(url("verify", lab.a, sweep.pk), {"index": index})
    with tenant_scope(lab.a):
        vr = VerificationRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/t/{lab.a.slug}/lab/requests/{vr.pk}/"
    assert client.post(url("verify", lab.a, sweep.pk), {"index": "x"}).status_code == 302
    with tenant_scope(lab.a):
        assert VerificationRequest.objects.count() == 1


@pytest.mark.parametrize("rows", [1, 20])
def test_results_page_queries_are_bounded(client: Any, lab: Any, rows: int, django_assert_max_num_queries: Any) -> None:
    sweep = finished(lab, chunk_size=rows)
    client.force_login(lab.engineer)
    client.get(url("results", lab.a, sweep.pk))
    with django_assert_max_num_queries(8):
        assert client.get(url("results", lab.a, sweep.pk)).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(url("detail", lab.a, sweep.pk)).status_code == 200
    for _ in range(rows - 1):
        make_sweep(lab)
    with django_assert_max_num_queries(8):
        assert client.get(url("list", lab.a)).status_code == 200


def test_every_page_is_404_for_another_tenant_and_for_applicants(client: Any, lab: Any) -> None:
    sweep = finished(lab)
    pages = ["detail", "status", "results"]
    for user in (lab.b_engineer, lab.b_applicant, lab.outsider):
        client.force_login(user)
        for name in pages:
            assert client.get(url(name, lab.a, sweep.pk)).status_code == 404, (user, name)
        for name in ("cancel", "verify"):
            assert client.post(url(name, lab.a, sweep.pk), {"index": 0}).status_code == 404, (user, name)
        assert client.get(url("list", lab.a)).status_code == 404
    client.force_login(lab.applicant)  # a member of the lab, but sweeps are lab staff's
    for name in pages:
        assert client.get(url(name, lab.a, sweep.pk)).status_code == 404
    assert client.get(url("list", lab.a)).status_code == 403
    assert client.get(url("create", lab.a)).status_code == 403
    client.force_login(lab.b_engineer)  # the other lab's own list does not show it
    assert sweep.title not in client.get(url("list", lab.b)).content.decode()
