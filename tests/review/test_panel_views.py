"""Expert-pool and panel pages: the CTO's picker (load, conflict flag, override reason), invite / withdraw /
lead, the expert's invitation page (declaration, accept / decline), the home panels; bounded queries."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from platform_site.enums import ActivityAction, Role
from platform_site.models import ActivityLog
from platform_site.tenancy import tenant_scope
from review import services
from review.conflicts import DECLARATION_VERSION
from review.enums import InvitationState, ReviewStage
from review.models import Expert, PanelInvitation
from tests.factories import persona, reload
from tests.review import factories as rf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


def url(name, **kwargs):
    return reverse(f"review:{name}", kwargs={"tenant_slug": "tsmp", **kwargs})


def _extra():
    """PostgreSQL sets and clears app.tenant_id (row-level security) once each per request."""
    return 2 if connection.vendor == "postgresql" else 0


@pytest.fixture
def mtg(world):
    return rf.meeting(world.a, rf.case_in(world.a, applicant_org=world.org_a), chair=world.cto)


def _pool(world, n, mtg=None):
    experts = [rf.expert(world.a) for _ in range(n)]
    for exp in experts:
        rf.affiliation(exp, "22099131", dt.date(2020, 1, 1))
        if mtg is not None:
            rf.seat(rf.meeting(world.a), exp, state=InvitationState.INVITED)  # some load elsewhere
    return experts


def test_the_cto_invites_a_flagged_expert_only_with_a_reason(client, world, mtg):
    exp = rf.expert(world.a, first_name="李", last_name="")
    rf.affiliation(
        exp, world.org_a.ubn, dt.date(2019, 1, 1), timezone.localdate() - dt.timedelta(days=400), name="南方精密金屬"
    )
    client.force_login(world.cto)
    page = client.get(url("panel", meeting_pk=mtg.pk)).content.decode()
    assert f'data-expert="{exp.pk}" data-flagged="1"' in page and "南方精密金屬" in page
    refused = client.post(url("panel_invite", meeting_pk=mtg.pk), {"expert": exp.pk, "override_reason": ""})
    assert refused.status_code == 409 and "Give a reason" in refused.content.decode()
    ok = client.post(url("panel_invite", meeting_pk=mtg.pk), {"expert": exp.pk, "override_reason": "唯一的封裝專家"})
    assert ok.status_code == 302
    with tenant_scope(world.a):
        inv = PanelInvitation.objects.get(meeting=mtg, expert=exp)
        assert inv.conflict_flagged and inv.override_reason == "唯一的封裝專家"
        assert ActivityLog.objects.filter(action=ActivityAction.CONFLICT_OVERRIDDEN, object_id=inv.pk).exists()
    assert client.post(url("panel_withdraw", inv_pk=inv.pk)).status_code == 302
    assert reload(inv).state == InvitationState.WITHDRAWN


def test_the_panel_page_refuses_a_full_panel_and_names_the_limit(client, world, mtg):
    for _ in range(5):
        rf.seat(mtg, state=InvitationState.INVITED)
    extra = rf.expert(world.a)
    client.force_login(world.cto)
    response = client.post(url("panel_invite", meeting_pk=mtg.pk), {"expert": extra.pk})
    assert response.status_code == 409 and "at most 5" in response.content.decode()
    assert client.post(url("panel_invite", meeting_pk=mtg.pk), {"expert": "x"}).status_code == 400
    assert client.post(url("panel_invite", meeting_pk=mtg.pk), {"expert": 999999}).status_code == 404


def test_the_final_lead_is_set_from_the_panel_page(client, world):
    final = rf.meeting(
        world.a,
        rf.case_in(world.a, "final_review", applicant_org=world.org_a),
        stage=ReviewStage.FINAL,
        chair=world.cto,
    )
    a, b = rf.seat(final, state=InvitationState.INVITED, is_lead=True), rf.seat(final, state=InvitationState.INVITED)
    client.force_login(world.cto)
    assert client.post(url("panel_lead", inv_pk=b.pk)).status_code == 302
    assert (reload(a).is_lead, reload(b).is_lead) == (False, True)


@pytest.mark.parametrize("persona_name", ["reviewer", "applicant", "expert"])
def test_only_the_cto_reaches_the_panel(client, world, mtg, persona_name):
    client.force_login(getattr(world, persona_name))
    assert client.get(url("panel", meeting_pk=mtg.pk)).status_code == 404
    assert client.post(url("panel_invite", meeting_pk=mtg.pk), {"expert": rf.expert(world.a).pk}).status_code == 404


def test_the_expert_declares_and_accepts_on_the_invitation_page(client, world, mtg):
    exp = rf.expert(world.a)
    with tenant_scope(world.a):
        inv = services.invite_expert(mtg, exp, world.cto)
    client.force_login(exp.user)
    home = client.get(reverse("tenant_home", kwargs={"tenant_slug": "tsmp"})).content.decode()
    assert f'data-invitation="{inv.pk}"' in home and "Declare conflicts of interest" in home
    page = client.get(url("invitation", inv_pk=inv.pk)).content.decode()
    assert "Administrative Procedure Act" in page and DECLARATION_VERSION in page
    assert client.post(url("invitation_accept", inv_pk=inv.pk)).status_code == 409  # declare first
    bad = client.post(
        url("invitation_declare", inv_pk=inv.pk), {"has_conflict": "yes", "text_version": DECLARATION_VERSION}
    )
    assert bad.status_code == 400 and "at least one ground" in bad.content.decode()
    stale = client.post(url("invitation_declare", inv_pk=inv.pk), {"has_conflict": "no", "text_version": "old"})
    assert stale.status_code == 409 and "has changed" in stale.content.decode()
    ok = client.post(
        url("invitation_declare", inv_pk=inv.pk), {"has_conflict": "no", "text_version": DECLARATION_VERSION}
    )
    assert ok.status_code == 302
    page = client.get(url("invitation", inv_pk=inv.pk)).content.decode()
    assert 'id="case-link"' in page and 'id="accept-form"' in page
    assert client.post(url("invitation_accept", inv_pk=inv.pk)).status_code == 302
    assert reload(inv).state == InvitationState.ACCEPTED
    # Another expert cannot open or answer it.
    other = rf.expert(world.a)
    client.force_login(other.user)
    assert client.get(url("invitation", inv_pk=inv.pk)).status_code == 404
    assert client.post(url("invitation_decline", inv_pk=inv.pk)).status_code == 404


def test_a_recusal_from_the_page_reaches_the_ctos_home(client, world, mtg):
    exp = rf.expert(world.a)
    with tenant_scope(world.a):
        inv = services.invite_expert(mtg, exp, world.cto)
    client.force_login(exp.user)
    response = client.post(
        url("invitation_declare", inv_pk=inv.pk),
        {
            "has_conflict": "yes",
            "categories": ["employment"],
            "details": "曾任該公司顧問",
            "text_version": DECLARATION_VERSION,
        },
    )
    assert response.status_code == 302 and reload(inv).state == InvitationState.RECUSED
    client.force_login(world.cto)
    home = client.get(reverse("tenant_home", kwargs={"tenant_slug": "tsmp"})).content.decode()
    assert f'data-meeting="{mtg.pk}"' in home and "1 recused" in home
    panel = client.get(url("panel", meeting_pk=mtg.pk)).content.decode()
    assert "Conflict declared" in panel and "Employment or business relationship" in panel


def test_the_office_adds_an_expert_and_an_affiliation(client, world, mailoutbox):
    client.force_login(world.reviewer)
    bad = client.post(url("expert_create"), {"email": "nope", "full_name": "", "kind": "academia"})
    assert bad.status_code == 400
    response = client.post(
        url("expert_create"),
        {"email": "wu@nthu.example.tw", "full_name": "吳教授", "kind": "academia", "expertise": "AI 晶片、機器視覺"},
    )
    assert response.status_code == 302
    with tenant_scope(world.a):
        exp = Expert.objects.get(user__username="wu@nthu.example.tw")
    assert exp.expertise == ["AI 晶片", "機器視覺"]
    bad_aff = client.post(
        url("expert_affiliation_add", expert_pk=exp.pk),
        {"organisation_name": "X", "ubn": "12345678", "start": "2020-01-01"},
    )
    assert bad_aff.status_code == 400
    ok = client.post(
        url("expert_affiliation_add", expert_pk=exp.pk),
        {"organisation_name": "南方精密", "ubn": world.org_a.ubn, "start": "2020-01-01", "end": "2023-06-30"},
    )
    assert ok.status_code == 302
    page = client.get(url("expert_detail", expert_pk=exp.pk)).content.decode()
    assert "南方精密" in page and "2023-06-30" in page
    # The expert edits their own profile and removes the affiliation.
    client.force_login(exp.user)
    assert (
        client.post(url("my_profile"), {"kind": "research", "title": "研究員", "expertise": "封裝"}).status_code == 302
    )
    assert reload(exp).title == "研究員"
    with tenant_scope(world.a):
        aff = exp.affiliations.get()
    assert client.post(url("my_affiliation_delete", aff_pk=aff.pk)).status_code == 302
    with tenant_scope(world.a):
        assert not exp.affiliations.exists()
    assert client.get(url("expert_list")).status_code == 404  # the pool is the office's


def test_an_expert_cannot_remove_another_experts_affiliation(client, world):
    exp, other = rf.expert(world.a), rf.expert(world.a)
    aff = rf.affiliation(other, "22099131", dt.date(2020, 1, 1))
    client.force_login(exp.user)
    assert client.post(url("my_affiliation_delete", aff_pk=aff.pk)).status_code == 404
    client.force_login(world.applicant)
    assert client.get(url("my_profile")).status_code == 404
    client.force_login(world.expert)  # the expert role, not yet in the pool: the menu's link explains
    response = client.get(url("my_profile"))
    assert response.status_code == 200 and 'id="not-in-pool"' in response.content.decode()


@pytest.mark.parametrize("n", [1, 7])
def test_pool_picker_and_home_queries_are_bounded(client, world, mtg, n, django_assert_max_num_queries):
    experts = _pool(world, n, mtg)
    client.force_login(world.cto)
    # tenant, session, user, memberships, one page of experts with their load (counted in the same query).
    with django_assert_max_num_queries(5 + _extra()):
        assert client.get(url("expert_list")).status_code == 200
    # ... the meeting with case and org, the panel, the pool with loads, the conflict check, the seats.
    with django_assert_max_num_queries(9 + _extra()):
        assert client.get(url("panel", meeting_pk=mtg.pk)).status_code == 200
    for exp in experts[:5]:  # a full preliminary panel at most
        rf.seat(mtg, exp, state=InvitationState.INVITED)
    with django_assert_max_num_queries(9 + _extra()):
        assert client.get(url("panel", meeting_pk=mtg.pk)).status_code == 200
    exp = experts[0]
    client.force_login(exp.user)
    with django_assert_max_num_queries(6 + _extra()):  # the expert's panel: two queries
        assert client.get(reverse("tenant_home", kwargs={"tenant_slug": "tsmp"})).status_code == 200
    with tenant_scope(world.a):
        inv = PanelInvitation.objects.get(meeting=mtg, expert=exp)
    with django_assert_max_num_queries(12 + _extra()):
        assert client.get(url("invitation", inv_pk=inv.pk)).status_code == 200
    client.force_login(persona(world.a, Role.CTO))
    with django_assert_max_num_queries(10 + _extra()):  # committee panel, replacements notice, supplier reviews
        assert client.get(reverse("tenant_home", kwargs={"tenant_slug": "tsmp"})).status_code == 200
