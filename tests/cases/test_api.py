"""The case API: list/create/retrieve/update-draft/transition, 403/404/409 as documented, token auth."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.enums import CaseState
from tests.factories import DemandCaseFactory, complete_case, reload, set_fields

pytestmark = pytest.mark.django_db
BASE = "/api/v1/t/tsmp/cases/"


@pytest.fixture
def api():
    return APIClient()


def test_applicant_creates_and_updates_a_draft(api, world):
    api.force_authenticate(world.applicant)
    response = api.post(
        BASE,
        {"title": "鞋底膠合參數最佳化", "industry": "traditional", "customisations": ["hardware", "software"]},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert (response.data["state"], response.data["applicant_org"]) == ("draft", world.org_a.name)
    case_id = response.data["id"]
    response = api.patch(f"{BASE}{case_id}/", {"application_field": "製鞋膠合製程", "state": "closed"}, format="json")
    assert response.status_code == 200
    assert (response.data["application_field"], response.data["state"]) == (
        "製鞋膠合製程",
        "draft",
    )  # state is read-only


def test_serializer_errors_are_400_with_field_messages(api, world):
    api.force_authenticate(world.applicant)
    response = api.post(BASE, {"title": "", "customisations": ["none", "chip"], "industry": "mining"}, format="json")
    assert response.status_code == 400
    assert set(response.data) == {"title", "customisations", "industry"}


def test_transition_and_conflict(api, world):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    api.force_authenticate(world.applicant)
    response = api.post(f"{BASE}{case.pk}/transitions/submit/", {}, format="json")
    assert response.status_code == 200
    assert response.data["state"] == "submitted"
    response = api.post(f"{BASE}{case.pk}/transitions/submit/", {}, format="json")
    assert response.status_code == 409
    assert response.data["code"] == "transition_not_allowed"
    response = api.patch(f"{BASE}{case.pk}/", {"title": "改名"}, format="json")
    assert response.status_code == 409
    assert reload(case).title != "改名"
    response = api.post(f"{BASE}{case.pk}/transitions/explode/", {}, format="json")
    assert response.status_code == 400


def test_decision_by_api_and_role_checks(api, world):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.QUALIFICATION)
    decision = {
        "decision": "refer",
        "comment": "轉介合作系統整合商",
        "eligible_applicant_type": True,
        "eligible_need": True,
        "existing_supply_chain_can_serve": True,
    }
    api.force_authenticate(world.applicant)
    assert api.post(f"{BASE}{case.pk}/qualification-decision/", decision, format="json").status_code == 403
    api.force_authenticate(world.reviewer)
    response = api.post(f"{BASE}{case.pk}/qualification-decision/", {**decision, "eligible_need": False}, format="json")
    assert (response.status_code, response.data["code"]) == (409, "eligibility")
    response = api.post(f"{BASE}{case.pk}/qualification-decision/", decision, format="json")
    assert (response.status_code, response.data["state"]) == (200, "referred")
    detail = api.get(f"{BASE}{case.pk}/").data
    assert [h["action"] for h in detail["history"]] == ["checklist_saved", "refer"]
    assert [h["field_name"] for h in detail["history"]] == ["", "state"]
    assert len(detail["documents"]) == 2


def test_token_auth_and_visibility(world):
    DemandCaseFactory(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant, title="A1")
    DemandCaseFactory(tenant=world.a, applicant_org=world.org_a2, created_by=world.other_applicant, title="A2")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.applicant).key}")
    titles = [c["title"] for c in api.get(BASE).data["results"]]
    assert titles == ["A1"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.reviewer).key}")
    assert sorted(c["title"] for c in api.get(BASE).data["results"]) == ["A1", "A2"]


def test_office_staff_cannot_create(api, world):
    api.force_authenticate(world.reviewer)
    assert api.post(BASE, {"title": "x"}, format="json").status_code == 403


@pytest.mark.parametrize("rows", [1, 30])
def test_list_query_count_is_constant(api, world, rows, django_assert_max_num_queries):
    for _ in range(rows):
        DemandCaseFactory(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    api.force_authenticate(world.reviewer)
    with django_assert_max_num_queries(6):
        assert api.get(BASE).status_code == 200


def test_openapi_schema_validates(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/v1/t/{tenant_slug}/cases/" in (tmp_path / "schema.yml").read_text()
