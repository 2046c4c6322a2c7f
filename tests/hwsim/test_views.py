"""Verification-lab pages: each renders, bounded queries, 404 across tenants and organisations, PDF access."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from hwsim import services
from hwsim.models import VerificationJob, VerificationRequest
from platform_site.tenancy import tenant_scope
from tests.factories import TenantFactory, persona
from tests.hwsim.factories import (
    PlatformPresetFactory,
    VerificationJobFactory,
    VerificationRequestFactory,
    job_in_state,
)

PAGES = ["detail", "status", "results", "certificate"]
POSTS = ["cancel", "submit"]


@pytest.fixture(autouse=True)
def _english(client: Any) -> None:
    """Messages are asserted in English (the msgids); zh-Hant is the default language."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _url(name: str, tenant: Any, pk: int | None = None) -> str:
    kwargs = {"tenant_slug": tenant.slug} if pk is None else {"tenant_slug": tenant.slug, "pk": pk}
    return reverse(f"hwsim:{name}", kwargs=kwargs)


def _succeeded_request(lab: Any, **kwargs: Any) -> VerificationRequest:
    """A quick request of lab.applicant's organisation, run to success synchronously."""
    request = VerificationRequestFactory(tenant=lab.a, requester=lab.applicant, requester_org=lab.org, **kwargs)
    job = VerificationJobFactory(tenant=lab.a, request=request)
    with tenant_scope(lab.a):
        services.run_job(job.pk)
        request.refresh_from_db()
    return request


def test_the_list_pages_render_for_lab_staff(client: Any, lab: Any) -> None:
    PlatformPresetFactory(tenant=lab.a, name="4×16×16 FO chip-last 5 nm")
    _succeeded_request(lab, title="Edge NPU 效能驗證")
    client.force_login(lab.engineer)
    presets = client.get(_url("presets", lab.a))
    requests = client.get(_url("list", lab.a))
    assert presets.status_code == requests.status_code == 200
    assert "4×16×16 FO chip-last 5 nm" in presets.content.decode()
    assert "Edge NPU 效能驗證" in requests.content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_request_list_queries_are_bounded(client: Any, lab: Any, rows: int, django_assert_max_num_queries: Any) -> None:
    for _ in range(rows):
        job_in_state("running", tenant=lab.a, request=VerificationRequestFactory(tenant=lab.a, requester_org=lab.org))
    client.force_login(lab.applicant)
    with django_assert_max_num_queries(8):
        response = client.get(_url("list", lab.a))
    assert response.status_code == 200
    assert response.content.decode().count('data-state="running"') == min(rows, 20)


@pytest.mark.parametrize("rows", [1, 30])
def test_preset_list_queries_are_bounded(client: Any, lab: Any, rows: int, django_assert_max_num_queries: Any) -> None:
    for _ in range(rows):
        PlatformPresetFactory(tenant=lab.a)
    client.force_login(lab.applicant)
    with django_assert_max_num_queries(8):
        assert client.get(_url("presets", lab.a)).status_code == 200


def test_detail_shows_the_progress_bar_that_polls_until_the_job_ends(client: Any, lab: Any) -> None:
    job = job_in_state(
        "running",
        tenant=lab.a,
        request=VerificationRequestFactory(tenant=lab.a, requester=lab.applicant, requester_org=lab.org),
    )
    with tenant_scope(lab.a):
        VerificationJob.objects.filter(pk=job.pk).update(progress=0.42, message="ResNet-18 · Offline")
    client.force_login(lab.applicant)
    page = client.get(_url("detail", lab.a, job.request_id)).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert 'aria-valuenow="42"' in page and "ResNet-18 · Offline" in page
    assert 'id="cancel-button"' in page
    partial = client.get(_url("status", lab.a, job.request_id), HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div id="job-status"') and 'hx-trigger="every 1s"' in partial
    with tenant_scope(lab.a):
        VerificationJob.objects.filter(pk=job.pk).update(state="succeeded", progress=1.0)
    # succeeded, the worker still building the stored report: the bar keeps polling, no link yet
    preparing = client.get(_url("status", lab.a, job.request_id)).content.decode()
    assert 'hx-trigger="every 1s"' in preparing and "Building the charts and the certificate" in preparing
    assert 'id="results-link"' not in preparing
    vr = _succeeded_request(lab)
    done = client.get(_url("status", lab.a, vr.pk)).content.decode()
    assert "hx-trigger" not in done and 'data-report="ready"' in done
    assert 'id="results-link"' in done and 'id="certificate-link"' in done


def test_a_colleague_may_see_but_not_cancel(client: Any, lab: Any) -> None:
    job = job_in_state(
        "running",
        tenant=lab.a,
        request=VerificationRequestFactory(tenant=lab.a, requester=lab.applicant, requester_org=lab.org),
    )
    client.force_login(lab.colleague)
    assert 'id="cancel-button"' not in client.get(_url("detail", lab.a, job.request_id)).content.decode()
    assert client.post(_url("cancel", lab.a, job.request_id)).status_code == 403


def test_the_requester_cancels_a_running_job(client: Any, lab: Any) -> None:
    job = job_in_state(
        "running",
        tenant=lab.a,
        request=VerificationRequestFactory(tenant=lab.a, requester=lab.applicant, requester_org=lab.org),
    )
    client.force_login(lab.applicant)
    response = client.post(_url("cancel", lab.a, job.request_id), follow=True)
    assert response.status_code == 200
    with tenant_scope(lab.a):
        job.refresh_from_db()
    assert job.state == "cancelled"
    again = client.post(_url("cancel", lab.a, job.request_id))
    assert again.status_code == 409
    assert "The job has already ended and cannot be cancelled." in again.content.decode()


def test_run_again_after_a_failure(client: Any, lab: Any, django_capture_on_commit_callbacks: Any) -> None:
    job = job_in_state(
        "failed",
        tenant=lab.a,
        request=VerificationRequestFactory(tenant=lab.a, requester=lab.applicant, requester_org=lab.org),
    )
    client.force_login(lab.engineer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_url("submit", lab.a, job.request_id)).status_code == 302
    with tenant_scope(lab.a):
        assert list(VerificationJob.objects.filter(request_id=job.request_id).values_list("state", flat=True)) == [
            "succeeded",
            "failed",
        ]
    assert client.post(_url("submit", lab.a, job.request_id)).status_code == 409


def test_create_request_form(client: Any, lab: Any, django_capture_on_commit_callbacks: Any) -> None:
    first = PlatformPresetFactory(tenant=lab.a)
    second = PlatformPresetFactory(
        tenant=lab.a,
        key="fo-4x16",
        chiplets=4,
        accelerator={"rows": 16, "cols": 16},
        node_nm=5,
        package="fo-chip-last",
        chiplet_area_mm2=20.0,
    )
    client.force_login(lab.applicant)
    assert client.get(_url("create", lab.a)).status_code == 200
    data = {
        "title": "兩平台比較",
        "platforms": [first.pk, second.pk],
        "workload_keys": ["resnet18", "mobilenet_v1"],
        "batch_resnet18": "4",
        "batch_mobilenet_v1": "",
        "scenarios": ["SingleStream", "Offline"],
        "quick": "on",
        "seed": "11",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("create", lab.a), data)
    assert response.status_code == 302
    with tenant_scope(lab.a):
        vr = VerificationRequest.objects.select_related("requester", "requester_org").get(title="兩平台比較")
        job = VerificationJob.objects.get(request=vr)
    assert (vr.requester, vr.requester_org, vr.quick, vr.seed) == (lab.applicant, lab.org, True, 11)
    assert vr.workloads == [{"key": "mobilenet_v1", "batch": 1}, {"key": "resnet18", "batch": 4}]
    assert sorted(p["key"] for p in job.spec["platforms"]) == sorted([first.key, "fo-4x16"])
    assert job.state == "succeeded"
    assert response["Location"] == _url("detail", lab.a, vr.pk)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"platforms": []}, "platforms"),
        ({"platforms": ["999999"]}, "platforms"),
        ({"workload_keys": ["alexnet"]}, "workload_keys"),
        ({"batch_resnet18": "0"}, "batch_resnet18"),
        ({"batch_resnet18": "abc"}, "batch_resnet18"),
        ({"scenarios": ["Batch"]}, "scenarios"),
        ({"seed": "-1"}, "seed"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_is_a_form_error(client: Any, lab: Any, change: dict, field: str) -> None:
    preset = PlatformPresetFactory(tenant=lab.a)
    client.force_login(lab.engineer)
    data = {
        "title": "x",
        "platforms": [preset.pk],
        "workload_keys": ["resnet18"],
        "batch_resnet18": "1",
        "scenarios": ["Offline"],
        "seed": "1",
        **change,
    }
    response = client.post(_url("create", lab.a), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    with tenant_scope(lab.a):
        assert not VerificationRequest.objects.exists()


def test_a_preset_the_simulator_rejects_is_a_form_error(client: Any, lab: Any) -> None:
    preset = PlatformPresetFactory(tenant=lab.a, chiplet_area_mm2=80000.0)  # not one die per 300 mm wafer
    client.force_login(lab.engineer)
    response = client.post(
        _url("create", lab.a),
        {
            "title": "x",
            "platforms": [preset.pk],
            "workload_keys": ["resnet18"],
            "batch_resnet18": "1",
            "scenarios": ["Offline"],
            "seed": "1",
        },
    )
    assert response.status_code == 400
    assert "The simulator cannot run this request" in str(response.context["form"].non_field_errors())


def test_results_page_shows_tables_and_charts(client: Any, lab: Any) -> None:
    vr = _succeeded_request(lab)
    client.force_login(lab.colleague)
    page = client.get(_url("results", lab.a, vr.pk)).content.decode()
    assert vr.report_number in page
    assert page.count("<svg") >= 3
    assert "ResNet-18" in page


def test_results_before_success_redirect_to_the_request(client: Any, lab: Any) -> None:
    job = job_in_state("running", tenant=lab.a, request=VerificationRequestFactory(tenant=lab.a, requester_org=lab.org))
    client.force_login(lab.engineer)
    response = client.get(_url("results", lab.a, job.request_id))
    assert response.status_code == 302 and response["Location"] == _url("detail", lab.a, job.request_id)
    assert client.get(_url("certificate", lab.a, job.request_id)).status_code == 404


def test_certificate_pdf_for_the_requesters_organisation_and_lab_staff_only(client: Any, lab: Any) -> None:
    vr = _succeeded_request(lab)
    expected = {
        "applicant": 200,
        "colleague": 200,
        "engineer": 200,
        "cto": 200,
        "admin": 200,
        "other_applicant": 404,
        "expert": 404,
        "supplier": 404,
        "finance": 404,
        "b_engineer": 404,
        "b_applicant": 404,
        "outsider": 404,
    }
    got = {}
    for name, user in lab.personas().items():
        client.force_login(user)
        response = client.get(_url("certificate", lab.a, vr.pk))
        got[name] = response.status_code
        if response.status_code == 200:
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"] == f'attachment; filename="{vr.report_number}.pdf"'
            assert response.content.startswith(b"%PDF-")
    assert got == expected


def test_every_page_is_404_for_another_tenant_and_another_organisation(client: Any, lab: Any) -> None:
    vr = _succeeded_request(lab)
    for user in (lab.b_engineer, lab.b_applicant, lab.other_applicant, lab.supplier, lab.outsider):
        client.force_login(user)
        for name in PAGES:
            assert client.get(_url(name, lab.a, vr.pk)).status_code == 404, (user, name)
        for name in POSTS:
            assert client.post(_url(name, lab.a, vr.pk)).status_code == 404, (user, name)
    for user in (lab.b_engineer, lab.b_applicant, lab.outsider):
        client.force_login(user)
        for name in ("presets", "list", "create"):
            assert client.get(_url(name, lab.a)).status_code == 404, (user, name)
    # a lab-B engineer cannot reach lab A's request through lab B's URLs either
    client.force_login(lab.b_engineer)
    assert client.get(_url("detail", lab.b, vr.pk)).status_code == 404


def test_pages_are_404_in_a_tenant_that_is_not_a_lab(client: Any, db: Any) -> None:
    office = TenantFactory(slug="tsmp")
    client.force_login(persona(office, "office_reviewer"))
    for name in ("presets", "list", "create"):
        assert client.get(_url(name, office)).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client: Any, lab: Any) -> None:
    response = client.get(_url("list", lab.a))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_expert_of_the_lab_cannot_create_requests(client: Any, lab: Any) -> None:
    client.force_login(lab.expert)
    assert client.get(_url("create", lab.a)).status_code == 403
    assert 'href="' + _url("create", lab.a) + '"' not in client.get(_url("list", lab.a)).content.decode()
