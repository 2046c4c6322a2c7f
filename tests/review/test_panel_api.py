"""API of panel invitations and declarations: /api/v1/t/<slug>/review/invitations/ (list per role, invite with
the conflict flag, declaration text + version, declare, accept, withdraw, lead), 404 across experts/tenants."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from platform_site.tenancy import tenant_scope
from review import services
from review.conflicts import DECLARATION_VERSION
from review.enums import InvitationState, ReviewStage
from tests.factories import reload
from tests.review import factories as rf

pytestmark = pytest.mark.django_db
BASE = "/api/v1/t/tsmp/review/invitations/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def mtg(world):
    return rf.meeting(world.a, rf.case_in(world.a, applicant_org=world.org_a), chair=world.cto)


def test_the_cto_invites_and_a_flag_needs_a_reason(api, world, mtg):
    exp = rf.expert(world.a)
    rf.affiliation(exp, world.org_a.ubn, dt.date(2024, 1, 1))
    api.force_authenticate(world.cto)
    refused = api.post(BASE, {"meeting": mtg.pk, "expert": exp.pk}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "conflict_flagged"
    made = api.post(BASE, {"meeting": mtg.pk, "expert": exp.pk, "override_reason": "審查需要"}, format="json")
    assert made.status_code == 201
    body = made.json()
    assert body["conflict_flagged"] is True and body["override_reason"] == "審查需要" and body["state"] == "invited"
    assert body["case_title"] == mtg.case.title and body["declaration"] is None
    assert api.post(BASE, {"meeting": mtg.pk, "expert": "x"}, format="json").status_code == 400
    assert api.post(BASE, {"meeting": 999999, "expert": exp.pk}, format="json").status_code == 404
    api.force_authenticate(world.reviewer)  # office staff read the panel; only the CTO invites
    assert api.post(BASE, {"meeting": mtg.pk, "expert": rf.expert(world.a).pk}, format="json").status_code == 404
    assert [row["id"] for row in api.get(BASE, {"meeting": mtg.pk}).json()["results"]] == [body["id"]]
    assert api.get(BASE, {"meeting": "abc"}).status_code == 400


def test_the_expert_reads_the_text_declares_and_accepts(api, world, mtg):
    exp = rf.expert(world.a)
    with tenant_scope(world.a):
        inv = services.invite_expert(mtg, exp, world.cto)
    other = rf.expert(world.a)
    with tenant_scope(world.a):
        theirs = services.invite_expert(mtg, other, world.cto)
    api.force_authenticate(exp.user)
    assert [row["id"] for row in api.get(BASE).json()["results"]] == [inv.pk]
    assert api.get(f"{BASE}{theirs.pk}/").status_code == 404
    assert api.post(f"{BASE}{theirs.pk}/accept/").status_code == 404
    text = api.get(f"{BASE}{inv.pk}/declaration/").json()
    assert text["version"] == DECLARATION_VERSION and "32" in text["text"] and text["declaration"] is None
    assert api.post(f"{BASE}{inv.pk}/accept/").json()["code"] == "declaration_missing"
    bad = api.post(
        f"{BASE}{inv.pk}/declaration/",
        {"has_conflict": True, "categories": [], "text_version": DECLARATION_VERSION},
        format="json",
    )
    assert bad.status_code == 400 and "categories" in bad.json()
    assert (
        api.post(
            f"{BASE}{inv.pk}/declaration/", {"has_conflict": False, "text_version": "v0"}, format="json"
        ).status_code
        == 409
    )
    ok = api.post(
        f"{BASE}{inv.pk}/declaration/", {"has_conflict": False, "text_version": DECLARATION_VERSION}, format="json"
    )
    assert ok.status_code == 201 and ok.json()["text_version"] == DECLARATION_VERSION
    accepted = api.post(f"{BASE}{inv.pk}/accept/", {"comment": "OK"}, format="json")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert api.post(f"{BASE}{inv.pk}/withdraw/").status_code == 404  # the CTO's action
    assert api.get(f"/api/v1/t/tsmp/cases/{mtg.case_id}/").status_code == 200  # now the case file opens


def test_a_conflict_declared_by_api_recuses(api, world, mtg):
    exp = rf.expert(world.a)
    with tenant_scope(world.a):
        inv = services.invite_expert(mtg, exp, world.cto)
    api.force_authenticate(exp.user)
    response = api.post(
        f"{BASE}{inv.pk}/declaration/",
        {"has_conflict": True, "categories": ["spouse"], "text_version": DECLARATION_VERSION},
        format="json",
    )
    assert response.status_code == 201 and reload(inv).state == InvitationState.RECUSED
    assert api.get(f"/api/v1/t/tsmp/cases/{mtg.case_id}/").status_code == 404


def test_the_cto_withdraws_and_sets_the_lead(api, world):
    final = rf.meeting(
        world.a,
        rf.case_in(world.a, "final_review", applicant_org=world.org_a),
        stage=ReviewStage.FINAL,
        chair=world.cto,
    )
    a, b = rf.seat(final, state=InvitationState.INVITED), rf.seat(final, state=InvitationState.INVITED)
    api.force_authenticate(world.cto)
    assert api.post(f"{BASE}{a.pk}/lead/").json()["is_lead"] is True
    assert api.post(f"{BASE}{b.pk}/lead/").json()["is_lead"] is True
    assert reload(a).is_lead is False
    assert api.post(f"{BASE}{b.pk}/withdraw/").json()["state"] == "withdrawn"
    assert api.post(f"{BASE}{b.pk}/withdraw/").status_code == 409


def test_another_tenants_users_get_404(api, world, mtg):
    inv = rf.seat(mtg, state=InvitationState.INVITED)
    for user in (world.b_reviewer, world.b_applicant, world.outsider):
        api.force_authenticate(user)
        assert api.get(BASE).status_code == 404
        assert api.get(f"{BASE}{inv.pk}/").status_code == 404
    api.force_authenticate(world.b_reviewer)
    assert api.get(f"/api/v1/t/ailab/review/invitations/{inv.pk}/").status_code == 404


@pytest.mark.parametrize("n", [1, 7])
def test_list_queries_are_bounded(api, world, mtg, n, django_assert_max_num_queries):
    for _ in range(n):
        rf.seat(rf.meeting(world.a), state=InvitationState.ACCEPTED)
    api.force_authenticate(world.cto)
    extra = 2 if connection.vendor == "postgresql" else 0
    with django_assert_max_num_queries(3 + extra):  # tenant, memberships, one page with joins
        assert len(api.get(BASE).json()["results"]) == n


def test_the_schema_lists_the_invitation_endpoints(api, world):
    api.force_authenticate(world.reviewer)
    schema = api.get(reverse("schema"), {"format": "json"}).json()
    paths = schema["paths"]
    assert "/api/v1/t/{tenant_slug}/review/invitations/{id}/declaration/" in paths
    assert "post" in paths["/api/v1/t/{tenant_slug}/review/invitations/"]
