"""The design-space exploration API: create (errors name the field), status, fronts, verify, cancel, isolation."""

from __future__ import annotations

from typing import Any

import pytest

from hwsim.enums import JobState
from hwsim.models import DseRequest, VerificationRequest
from platform_site.tenancy import tenant_scope
from tests.hwsim.test_dse_services import SWEEP, fresh, make_sweep, run_chunks, start


@pytest.fixture(autouse=True)
def _english(client: Any) -> None:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def base(lab: Any) -> str:
    return f"/api/v1/t/{lab.a.slug}/lab/dse/"


def test_create_runs_the_sweep_and_the_detail_gives_the_fronts(
    client: Any, lab: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(lab.engineer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(base(lab), {"title": "API 選型"} | SWEEP, content_type="application/json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    body = client.get(f"{base(lab)}{pk}/").json()
    assert body["state"] == JobState.SUCCEEDED and body["progress"] == 1.0 and body["size"] == 96
    with tenant_scope(lab.a):
        assert body["results"] == DseRequest.objects.get(pk=pk).results
    listed = client.get(base(lab)).json()
    assert [row["id"] for row in listed["results"]] == [pk] and "count" not in listed
    index = body["results"]["fronts"]["cost"][0]
    made = client.post(f"{base(lab)}{pk}/verify/", {"index": index}, content_type="application/json")
    assert made.status_code == 201
    with tenant_scope(lab.a):
        assert VerificationRequest.objects.get().pk == made.json()["verification_request"]
    off = next(i for i in range(96) if str(i) not in body["results"]["points"])
    refused = client.post(f"{base(lab)}{pk}/verify/", {"index": off}, content_type="application/json")
    assert refused.status_code == 400 and "index" in refused.json()
    assert client.post(f"{base(lab)}{pk}/cancel/").json()["code"] == "transition_not_allowed"


@pytest.mark.parametrize(
    ("change", "field"),
    [({"dataflows": ["xs"]}, "dataflows"), ({"nodes": [6]}, "nodes"), ({"shapes": [[0, 3]]}, "shapes")],
)
def test_bad_input_is_a_400_naming_the_field(client: Any, lab: Any, change: dict, field: str) -> None:
    client.force_login(lab.engineer)
    response = client.post(base(lab), {"title": "x"} | SWEEP | change, content_type="application/json")
    assert response.status_code == 400 and field in response.json()
    too_big = SWEEP | {"sram_kib": list(range(1, 500))}
    response = client.post(base(lab), {"title": "x"} | too_big, content_type="application/json")
    assert response.status_code == 400 and "size" in response.json()


def test_cancel_a_running_sweep(client: Any, lab: Any) -> None:
    sweep = make_sweep(lab)
    start(sweep)
    client.force_login(lab.engineer)
    assert client.post(f"{base(lab)}{sweep.pk}/cancel/").json()["state"] == JobState.CANCELLED
    run_chunks(sweep)
    assert fresh(sweep).chunks_done == 0


def test_other_tenants_and_applicants_get_404(client: Any, lab: Any) -> None:
    sweep = make_sweep(lab)
    for user in (lab.b_engineer, lab.applicant):
        client.force_login(user)
        assert client.get(f"{base(lab)}{sweep.pk}/").status_code == 404
        assert client.post(f"{base(lab)}{sweep.pk}/verify/", {"index": 0}).status_code == 404
    client.force_login(lab.applicant)
    assert client.get(base(lab)).json()["results"] == []
    assert client.post(base(lab), {"title": "x"} | SWEEP, content_type="application/json").status_code == 403
