"""The lab API under /api/v1/t/<slug>/lab/: create, poll status, fetch results, cancel; 404 across tenants."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

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


@pytest.fixture
def api() -> APIClient:
    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _base(tenant: Any) -> str:
    return f"/api/v1/t/{tenant.slug}/lab"


def _body(**change: Any) -> dict[str, Any]:
    return {
        "title": "API 驗證",
        "platforms": ["ws32", "fo-4x16"],
        "workloads": [{"key": "resnet18", "batch": 2}],
        "scenarios": ["SingleStream", "Offline"],
        "seed": 5,
        "quick": True,
        **change,
    }


@pytest.fixture
def presets(lab: Any) -> list[Any]:
    return [
        PlatformPresetFactory(tenant=lab.a, key="ws32"),
        PlatformPresetFactory(
            tenant=lab.a,
            key="fo-4x16",
            chiplets=4,
            accelerator={"rows": 16, "cols": 16},
            node_nm=5,
            package="fo-chip-last",
            chiplet_area_mm2=20.0,
        ),
    ]


def test_create_poll_and_fetch_results(
    api: APIClient, lab: Any, presets: list, django_capture_on_commit_callbacks: Any
) -> None:
    api.force_authenticate(lab.applicant)
    with django_capture_on_commit_callbacks() as queued:
        created = api.post(f"{_base(lab.a)}/requests/", _body(), format="json")
    assert created.status_code == 201, created.data
    assert len(queued) == 1
    pk = created.data["id"]
    assert (created.data["platforms"], created.data["state"], created.data["requester_org"]) == (
        ["ws32", "fo-4x16"],
        "queued",
        lab.org.name,
    )
    status = api.get(f"{_base(lab.a)}/requests/{pk}/status/")
    assert (status.status_code, status.data["state"], status.data["progress"]) == (200, "queued", 0.0)
    not_ready = api.get(f"{_base(lab.a)}/requests/{pk}/results/")
    assert (not_ready.status_code, not_ready.data["code"]) == (409, "not_ready")

    queued[0]()  # the worker picks the job up
    status = api.get(f"{_base(lab.a)}/requests/{pk}/status/")
    assert (status.data["state"], status.data["progress"], status.data["attempt"]) == ("succeeded", 1.0, 1)
    results = api.get(f"{_base(lab.a)}/requests/{pk}/results/")
    assert results.status_code == 200
    with tenant_scope(lab.a):
        vr = VerificationRequest.objects.get(pk=pk)
        job = VerificationJob.objects.get(request=vr)
    assert results.data["report_number"] == vr.report_number != ""
    assert results.data["results"] == job.results
    assert [p["key"] for p in results.data["results"]["platforms"]] == ["ws32", "fo-4x16"]
    listed = api.get(f"{_base(lab.a)}/requests/")
    assert [(r["id"], r["state"]) for r in listed.data["results"]] == [(pk, "succeeded")]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"platforms": []}, "platforms"),
        ({"platforms": ["nope"]}, "platforms"),
        ({"platforms": ["ws32", "ws32"]}, "platforms"),
        ({"workloads": []}, "workloads"),
        ({"workloads": [{"key": "alexnet"}]}, "workloads"),
        ({"workloads": [{"key": "resnet18", "batch": 0}]}, "workloads"),
        ({"workloads": [{"key": "resnet18"}, {"key": "resnet18"}]}, "workloads"),
        ({"scenarios": ["Batch"]}, "scenarios"),
        ({"scenarios": []}, "scenarios"),
        ({"seed": "x"}, "seed"),
        ({"title": ""}, "title"),
        ({"platforms": "ws32"}, "platforms"),
    ],
)
def test_bad_input_is_a_400(api: APIClient, lab: Any, presets: list, change: dict, field: str) -> None:
    api.force_authenticate(lab.engineer)
    response = api.post(f"{_base(lab.a)}/requests/", _body(**change), format="json")
    assert response.status_code == 400
    assert field in response.data
    with tenant_scope(lab.a):
        assert not VerificationRequest.objects.exists()


def test_platforms_of_another_tenant_are_unknown(api: APIClient, lab: Any, presets: list) -> None:
    PlatformPresetFactory(tenant=lab.b, key="b-only")
    api.force_authenticate(lab.engineer)
    response = api.post(f"{_base(lab.a)}/requests/", _body(platforms=["b-only"]), format="json")
    assert response.status_code == 400 and "platforms" in response.data


def test_only_staff_and_applicants_create(api: APIClient, lab: Any, presets: list) -> None:
    api.force_authenticate(lab.expert)
    assert api.post(f"{_base(lab.a)}/requests/", _body(), format="json").status_code == 403


def test_cancel_then_cancel_again_is_a_409(api: APIClient, lab: Any) -> None:
    job = job_in_state(
        "running",
        tenant=lab.a,
        request=VerificationRequestFactory(tenant=lab.a, requester=lab.applicant, requester_org=lab.org),
    )
    api.force_authenticate(lab.colleague)
    assert api.post(f"{_base(lab.a)}/requests/{job.request_id}/cancel/").status_code == 403
    api.force_authenticate(lab.applicant)
    cancelled = api.post(f"{_base(lab.a)}/requests/{job.request_id}/cancel/")
    assert (cancelled.status_code, cancelled.data["state"]) == (200, "cancelled")
    again = api.post(f"{_base(lab.a)}/requests/{job.request_id}/cancel/")
    assert (again.status_code, again.data["code"]) == (409, "transition_not_allowed")


def test_status_of_a_request_never_submitted_is_404(api: APIClient, lab: Any) -> None:
    vr = VerificationRequestFactory(tenant=lab.a, requester_org=lab.org)
    api.force_authenticate(lab.engineer)
    assert api.get(f"{_base(lab.a)}/requests/{vr.pk}/status/").status_code == 404
    assert api.post(f"{_base(lab.a)}/requests/{vr.pk}/cancel/").status_code == 409


def test_every_route_is_404_for_other_tenants_and_organisations(api: APIClient, lab: Any, presets: list) -> None:
    vr = VerificationRequestFactory(tenant=lab.a, requester=lab.applicant, requester_org=lab.org)
    job = VerificationJobFactory(tenant=lab.a, request=vr)
    with tenant_scope(lab.a):
        services.run_job(job.pk)
    base = _base(lab.a)
    object_routes = [
        ("get", f"{base}/requests/{vr.pk}/"),
        ("get", f"{base}/requests/{vr.pk}/status/"),
        ("get", f"{base}/requests/{vr.pk}/results/"),
        ("post", f"{base}/requests/{vr.pk}/cancel/"),
    ]
    tenant_routes = [
        ("get", f"{base}/presets/"),
        ("get", f"{base}/presets/{presets[0].pk}/"),
        ("get", f"{base}/requests/"),
        ("post", f"{base}/requests/"),
    ]
    for user in (lab.b_engineer, lab.b_applicant, lab.outsider, lab.other_applicant, lab.supplier):
        api.force_authenticate(user)
        for method, url in object_routes:
            assert getattr(api, method)(url, format="json").status_code == 404, (user, url)
    for user in (lab.b_engineer, lab.b_applicant, lab.outsider):
        api.force_authenticate(user)
        for method, url in tenant_routes:
            assert getattr(api, method)(url, _body(), format="json").status_code == 404, (user, url)
    api.force_authenticate(lab.other_applicant)
    assert api.get(f"{base}/requests/").data["results"] == []
    api.force_authenticate(lab.b_engineer)
    assert api.get(f"{_base(lab.b)}/requests/{vr.pk}/").status_code == 404
    assert api.get(f"{_base(lab.b)}/presets/{presets[0].pk}/").status_code == 404


def test_the_lab_api_is_404_in_a_tenant_that_is_not_a_lab(api: APIClient, db: Any) -> None:
    office = TenantFactory(slug="tsmp")
    api.force_authenticate(persona(office, "office_reviewer"))
    assert api.get(f"{_base(office)}/requests/").status_code == 404


def test_anonymous_is_refused(api: APIClient, lab: Any) -> None:
    assert api.get(f"{_base(lab.a)}/requests/").status_code in (401, 403)


@pytest.mark.parametrize("rows", [1, 30])
def test_request_list_queries_are_bounded(
    api: APIClient, lab: Any, rows: int, django_assert_max_num_queries: Any
) -> None:
    for _ in range(rows):
        job_in_state("running", tenant=lab.a, request=VerificationRequestFactory(tenant=lab.a, requester_org=lab.org))
    api.force_authenticate(lab.applicant)
    with django_assert_max_num_queries(7):
        response = api.get(f"{_base(lab.a)}/requests/")
    assert len(response.data["results"]) == min(rows, 25)  # one cursor page (REST_FRAMEWORK PAGE_SIZE)
    assert {r["state"] for r in response.data["results"]} == {"running"}
