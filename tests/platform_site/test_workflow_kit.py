"""The workflow kit in every app: rules-only transition permissions (no superuser short-cut), the system
actor, conditions whose messages reach the 409 (HTML and API), and the stale-page 409 naming who and when."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import services as case_services
from cases.enums import CaseState
from platform_site.actors import SYSTEM
from platform_site.enums import Role
from platform_site.rules import can, primary_organisation
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused, run_transition
from tests.factories import DemandCaseFactory, complete_case, persona, reload, set_fields

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _superuser(tenant, role, org=None, **kwargs):
    user = persona(tenant, role, org, **kwargs)
    user.is_superuser = user.is_staff = True
    user.save()
    return user


def _case_url(name, case, **kwargs):
    return reverse(f"cases:{name}", kwargs={"tenant_slug": case.tenant.slug, "pk": case.pk, **kwargs})


# ---- B1: permissions through rules only ------------------------------------------------------------------


def test_cases_a_superuser_who_is_only_an_office_reviewer_cannot_withdraw(world, client):
    boss = _superuser(world.a, Role.OFFICE_REVIEWER)
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.SUBMITTED)
    with tenant_scope(world.a):
        case.refresh_from_db()
        assert boss.has_perm("cases.applicant_transition", case)  # Django's superuser short-cut says yes …
        assert not can(boss, "cases.applicant_transition", case)  # … the portal's one check does not
        with pytest.raises(PermissionDenied):
            case_services.transition_case(case, "withdraw", boss)
        assert case.state == CaseState.SUBMITTED
    client.force_login(boss)
    body = client.get(_case_url("detail", case)).content.decode()
    assert 'value="withdraw"' not in body and 'value="start_qualification"' in body
    assert client.post(_case_url("transition", case, action="withdraw")).status_code == 403
    assert reload(case).state == CaseState.SUBMITTED
    with tenant_scope(world.a):  # the role the superuser does hold still works
        case_services.transition_case(case, "start_qualification", boss)
        assert case.state == CaseState.QUALIFICATION


def test_cases_a_superuser_applicant_cannot_take_office_or_committee_transitions(world):
    boss = _superuser(world.a, Role.APPLICANT, world.org_a)
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.PRELIMINARY_REVIEW)
    with tenant_scope(world.a):
        case.refresh_from_db()
        for name in ("pass_preliminary", "fail_preliminary"):
            with pytest.raises(PermissionDenied):
                run_transition(case, name, boss)


def test_the_system_actor_holds_no_role_and_none_is_not_the_system(world):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    with tenant_scope(world.a):
        case.refresh_from_db()
        for user in (SYSTEM, None):
            assert not can(user, "cases.view_case", case)
            with pytest.raises(PermissionDenied):
                run_transition(case, "withdraw", user)


def test_primary_organisation_is_the_one_rule_for_new_records(world):
    assert primary_organisation(world.applicant, world.a) == world.org_a.pk
    assert primary_organisation(world.reviewer, world.a) is None
    assert primary_organisation(world.applicant, world.b) is None


# ---- B2: conditions carry their messages ---------------------------------------------------------------

MISSING = (
    "The case cannot be submitted yet. Missing: smart-system need、Company registration certificate、Needs description."
)


def test_a_conditions_message_reaches_the_409_page_and_the_api(world, client):
    case = DemandCaseFactory(
        tenant=world.a, applicant_org=world.org_a, created_by=world.applicant, smart_system_need=""
    )
    client.force_login(world.applicant)
    response = client.post(_case_url("transition", case, action="submit"), **EN)
    assert response.status_code == 409
    assert MISSING in response.content.decode()
    api = APIClient()
    api.force_authenticate(world.applicant)
    response = api.post(f"/api/v1/t/tsmp/cases/{case.pk}/transitions/submit/", {}, format="json", **EN)
    assert (response.status_code, response.data) == (409, {"detail": MISSING, "code": "incomplete"})
    assert reload(case).state == CaseState.DRAFT


def test_an_eligibility_conditions_message_reaches_the_api(world):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.QUALIFICATION)
    api = APIClient()
    api.force_authenticate(world.reviewer)
    decision = {
        "decision": "not_eligible",
        "comment": "不符",
        "eligible_applicant_type": True,
        "eligible_need": True,
        "existing_supply_chain_can_serve": True,
    }
    response = api.post(f"/api/v1/t/tsmp/cases/{case.pk}/qualification-decision/", decision, format="json", **EN)
    assert response.status_code == 409
    assert response.data == {
        "detail": "The existing external supply chain can serve the need: the decision that fits is the "
        "matchmaking referral (媒合轉介).",
        "code": "eligibility",
    }
    assert reload(case).existing_supply_chain_can_serve is None  # the refused checklist was not saved either


def _decide(client, case, decision="refer", comment="轉介"):
    data = {
        "decision": decision,
        "comment": comment,
        "eligible_applicant_type": "on",
        "eligible_need": "on",
        "existing_supply_chain_can_serve": "yes",
    }
    return client.post(_case_url("decide", case), data, **EN)


@pytest.fixture
def decided_at_1403(world, monkeypatch, client):
    """A case in qualification, decided (referred) by 王美玲 at 2026-12-01 06:03 UTC = 14:03 in Taipei."""
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.QUALIFICATION)
    client.force_login(world.reviewer)
    moment = dt.datetime(2026, 12, 1, 6, 3, 27, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert _decide(client, case).status_code == 302
    monkeypatch.undo()
    return case


def test_a_second_decision_from_a_stale_tab_says_who_changed_it_to_what_and_when(world, client, decided_at_1403):
    case = decided_at_1403
    client.force_login(world.admin)  # another reviewer, whose tab still shows the decision form
    response = _decide(client, case, decision="proceed", comment="從舊分頁送出")
    assert response.status_code == 409
    body = response.content.decode()
    assert "王美玲 changed it to “Matchmaking referral” on 2026-12-01 14:03." in body
    assert 'id="decision-form"' not in body  # the page shows the current state without a live decision form
    assert 'data-state="referred"' in body
    assert reload(case).state == CaseState.REFERRED


def test_the_stale_409_in_the_api_names_who_and_when(world, decided_at_1403):
    case = decided_at_1403
    api = APIClient()
    api.force_authenticate(world.admin)
    decision = {
        "decision": "proceed",
        "comment": "x",
        "eligible_applicant_type": True,
        "eligible_need": True,
        "existing_supply_chain_can_serve": True,
    }
    response = api.post(f"/api/v1/t/tsmp/cases/{case.pk}/qualification-decision/", decision, format="json", **EN)
    assert response.status_code == 409
    assert response.data["code"] == "transition_not_allowed"
    assert "王美玲 changed it to “Matchmaking referral” on 2026-12-01 14:03." in response.data["detail"]
    assert (response.data["state"], response.data["changed_by"], response.data["changed_to"]) == (
        "referred",
        "王美玲",
        "referred",
    )
    assert dt.datetime.fromisoformat(response.data["changed_at"]) == dt.datetime(2026, 12, 1, 6, 3, 27, tzinfo=dt.UTC)


def test_a_refused_submission_does_not_use_up_a_case_number(world):
    incomplete = DemandCaseFactory(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant, title="")
    complete = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    with tenant_scope(world.a):
        with pytest.raises(TransitionRefused) as refused:
            case_services.transition_case(incomplete, "submit", world.applicant)
        assert refused.value.code == "incomplete"
        case_services.transition_case(complete, "submit", world.applicant)
    assert (reload(incomplete).reference, reload(complete).reference) == ("", f"TSMP-{timezone.localdate().year}-0001")
