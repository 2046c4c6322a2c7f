"""Closing a case in service as terminated (結案 with outcome terminated, seed 000_9617a3b789ca4d20.txt): the
office only, from in service only, the reason required; closure reason ``terminated`` (not ``completed``), and
the case's history shows the transition with its reason — on the page and through the API. The full role ×
state table is in test_transition_table.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.enums import CaseState, ClosureReason
from platform_site.activity import history
from platform_site.tenancy import tenant_scope
from tests.factories import complete_case, reload, set_fields

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _in_service(world):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.IN_SERVICE)
    return case


def _page(name, case, **kwargs):
    return reverse(f"cases:{name}", kwargs={"tenant_slug": "tsmp", "pk": case.pk, **kwargs})


def test_the_office_terminates_with_a_reason_and_the_history_shows_it(client, world):
    case = _in_service(world)
    client.force_login(world.reviewer)
    detail = client.get(_page("detail", case), **EN).content.decode()
    assert _page("transition", case, action="close_terminated") in detail and "Close as terminated" in detail
    refused = client.post(_page("transition", case, action="close_terminated"), {"comment": "  "}, **EN)
    assert refused.status_code == 409 and "Give the reason for terminating the service." in refused.content.decode()
    assert reload(case).state == CaseState.IN_SERVICE
    done = client.post(_page("transition", case, action="close_terminated"), {"comment": "申請人撤回需求"}, **EN)
    assert done.status_code == 302
    fresh = reload(case)
    assert (fresh.state, fresh.closure_reason) == (CaseState.CLOSED, ClosureReason.TERMINATED)
    assert fresh.closed_at is not None
    with tenant_scope(world.a):
        entry = history(fresh).filter(action="close_terminated").get()
    assert (entry.source_state, entry.target_state, entry.comment) == ("in_service", "closed", "申請人撤回需求")
    page = client.get(_page("detail", case), **EN).content.decode()
    assert "申請人撤回需求" in page and "Service terminated" in page


def test_the_api_needs_the_reason_and_refuses_other_states_and_roles(client, world):
    case = _in_service(world)
    api = f"/api/v1/t/{world.a.slug}/cases/{case.pk}/transitions/close_terminated/"
    client.force_login(world.applicant)
    assert client.post(api, {"comment": "不做了"}, content_type="application/json").status_code == 403
    client.force_login(world.cto)
    blank = client.post(api, {"comment": ""}, content_type="application/json", **EN)
    assert blank.status_code == 409 and blank.json()["code"] == "reason_missing"
    assert reload(case).state == CaseState.IN_SERVICE
    assert client.post(api, {"comment": "經費中止"}, content_type="application/json").status_code == 200
    assert reload(case).closure_reason == ClosureReason.TERMINATED
    again = client.post(api, {"comment": "經費中止"}, content_type="application/json")
    assert again.status_code == 409 and reload(case).closure_reason == ClosureReason.TERMINATED
    referred = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(referred, state=CaseState.REFERRED)  # a referral is completed, never terminated
    api = f"/api/v1/t/{world.a.slug}/cases/{referred.pk}/transitions/close_terminated/"
    assert client.post(api, {"comment": "x"}, content_type="application/json").status_code == 409
