"""The supplier final review (複審) on the review app's meeting machinery (issue 9: one mechanism, not two).

Seed 000_9617a3b789ca4d20.txt (供應端): 複審 is a meeting within two weeks of the 資格審; the CTO chairs as lead
reviewer with 3-5 core platform members; consensus → approved partner, returned for more information, or
rejected. Scheduling from the profile, the panel (core members only, 3-5, no expert lead), the conflict check on
the supplier's 統一編號, closing with each outcome (the onboarding transition runs in the same transaction),
the removed stand-in button, visibility for panel members, the API, isolation and query bounds.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from platform_site.activity import history
from platform_site.enums import Role
from platform_site.management.commands.seed_demo import valid_ubn
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused
from review import minutes, subjects
from review import queries as review_queries
from review import services as review_services
from review.enums import DecisionOutcome, MeetingMode, MeetingState, ReviewStage
from review.models import ReviewDecision, ReviewMeeting
from review.services import meetings as review_meetings
from suppliers import final_review, queries
from suppliers.enums import OnboardingState as S
from suppliers.models import SupplierProfile
from tests.factories import OrganizationFactory, persona, set_fields
from tests.review import factories as rf
from tests.suppliers.factories import partner

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
UBN = valid_ubn(53100000)


def url(name, **kwargs):
    return reverse(f"suppliers:{name}", kwargs={"tenant_slug": "tsmp", **kwargs})


def rurl(name, **kwargs):
    return reverse(f"review:{name}", kwargs={"tenant_slug": "tsmp", **kwargs})


def _when(days=5):
    return timezone.now() + dt.timedelta(days=days)


@pytest.fixture
def waiting(world):
    """A supplier of 統一編號 UBN qualified and waiting for its 複審 (due in 14 days)."""
    org = OrganizationFactory(tenant=world.a, name="南臺光學股份有限公司", ubn=UBN)
    profile = partner(world.a, org.name, organization=org, state=S.FINAL_REVIEW)
    set_fields(profile, qualified_on=timezone.localdate(), final_review_due=timezone.localdate() + dt.timedelta(14))
    with tenant_scope(world.a):
        fresh = SupplierProfile.objects.select_related("organization").get(pk=profile.pk)
    fresh.member = profile.member
    return fresh


@pytest.fixture
def core(world):
    """Six core platform members and one ordinary pool expert of tenant A."""
    members = [rf.expert(world.a, first_name=f"核心{i}") for i in range(6)]
    with tenant_scope(world.a):
        for e in members:
            type(e).objects.filter(pk=e.pk).update(is_core=True)
            e.is_core = True
    members.append(rf.expert(world.a, first_name="一般委員"))
    return members


def _schedule(world, profile, days=5):
    with tenant_scope(world.a):
        return final_review.schedule(
            world.cto, profile, scheduled_at=_when(days), mode=MeetingMode.IN_PERSON, room="第二會議室"
        )


def _seat(world, meeting, expert):
    with tenant_scope(world.a):
        inv = review_services.invite_expert(meeting, expert, world.cto)
        review_services.declare_conflicts(inv, expert.user, has_conflict=False)
        review_services.accept_invitation(inv, expert.user)
    return inv


def _close(world, meeting, outcome, reasons="核心成員共識。", user=None):
    with tenant_scope(world.a):
        meeting = ReviewMeeting.objects.get(pk=meeting.pk)
        return review_services.close_with_decision(meeting, user or world.cto, outcome=outcome, reasons=reasons)


def _state(world, profile):
    with tenant_scope(world.a):
        return SupplierProfile.objects.get(pk=profile.pk).state


# ---- scheduling ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona_name", "allowed"),
    [
        ("cto", True),
        ("office_reviewer", False),
        ("tenant_admin", False),
        ("supplier", False),
        ("expert", False),
        ("applicant", False),
    ],
)
def test_only_the_cto_schedules_the_final_review(world, waiting, persona_name, allowed):
    user = world.by_role()[persona_name]
    with tenant_scope(world.a):
        if not allowed:
            with pytest.raises(PermissionDenied):
                final_review.schedule(
                    user, waiting, scheduled_at=_when(), mode=MeetingMode.VIDEO, video_link="https://meet.example.tw/x"
                )
            assert not ReviewMeeting.objects.exists()
            return
        meeting = final_review.schedule(user, waiting, scheduled_at=_when(), mode=MeetingMode.IN_PERSON, room="A")
        assert (meeting.case_id, meeting.subject_id, meeting.stage, meeting.round) == (
            None,
            waiting.pk,
            ReviewStage.SUPPLIER_FINAL,
            1,
        )
        assert meeting.subject_title == "南臺光學股份有限公司" and meeting.chair == world.cto
        entry = history(waiting).filter(action="meeting_scheduled").get()
        assert entry.data["meeting"] == meeting.pk and entry.data["after_due"] is False


@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.QUALIFICATION, S.APPROVED, S.RETURNED, S.REJECTED])
def test_scheduling_is_refused_unless_the_profile_waits_for_the_final_review(world, state):
    profile = partner(world.a, "他州光電", state=state)
    with tenant_scope(world.a), pytest.raises(TransitionRefused) as exc:
        final_review.schedule(world.cto, profile, scheduled_at=_when(), mode=MeetingMode.IN_PERSON, room="A")
    assert exc.value.code == "not_in_final_review"


def test_one_open_round_at_a_time_and_a_cancelled_round_keeps_its_number(world, waiting):
    first = _schedule(world, waiting)
    with pytest.raises(TransitionRefused) as exc:
        _schedule(world, waiting)
    assert exc.value.code == "meeting_open"
    with tenant_scope(world.a):
        review_meetings.run_meeting_action(first, "cancel", world.cto)
    assert _schedule(world, waiting).round == 2


def test_a_date_after_the_two_week_due_date_is_flagged(world, waiting):
    meeting = _schedule(world, waiting, days=20)
    with tenant_scope(world.a):
        assert history(waiting).filter(action="meeting_scheduled").get().data["after_due"] is True
    client = _client(world.cto)
    body = client.get(rurl("meeting", pk=meeting.pk), **EN).content.decode()
    assert 'id="final-due"' in body and "Scheduled after the due date" in body
    assert waiting.final_review_due.isoformat() in body


# ---- the panel -------------------------------------------------------------------------------------------------
def test_the_panel_takes_3_to_5_core_members_and_no_expert_lead(world, waiting, core):
    meeting = _schedule(world, waiting)
    with tenant_scope(world.a):
        with pytest.raises(TransitionRefused) as exc:
            review_services.invite_expert(meeting, core[-1], world.cto)  # not a core member
        assert exc.value.code == "not_core_member"
        with pytest.raises(TransitionRefused) as exc:
            review_services.invite_expert(meeting, core[0], world.cto, is_lead=True)  # the CTO is the lead
        assert exc.value.code == "lead_preliminary"
        picker_ids = {e.pk for e in review_queries.picker(meeting)}
        assert picker_ids == {e.pk for e in core[:6]}
    seats = [_seat(world, meeting, e) for e in core[:2]]
    with pytest.raises(TransitionRefused) as exc:
        _close(world, meeting, DecisionOutcome.PASS)
    assert exc.value.code == "panel_size"
    seats += [_seat(world, meeting, e) for e in core[2:5]]
    with tenant_scope(world.a), pytest.raises(TransitionRefused) as exc:
        review_services.invite_expert(meeting, core[5], world.cto)
    assert exc.value.code == "panel_full" and exc.value.extra["max"] == 5
    assert len(seats) == 5
    _close(world, meeting, DecisionOutcome.PASS)
    assert _state(world, waiting) == S.APPROVED


def test_the_panel_limits_follow_the_tenant_settings(world, waiting):
    world.a.settings = {**world.a.settings, "supplier_final_panel_min": 4, "supplier_final_panel_max": 6}
    world.a.save()
    meeting = _schedule(world, waiting)
    with tenant_scope(world.a):
        meeting = ReviewMeeting.objects.select_related("tenant").get(pk=meeting.pk)
        from review.conditions import panel_limits

        assert panel_limits(meeting) == (4, 6)


def test_the_conflict_check_compares_affiliations_with_the_suppliers_ubn(world, waiting, core):
    meeting = _schedule(world, waiting)
    today = timezone.localdate()
    rf.affiliation(
        core[0], UBN, today.replace(year=today.year - 4), today.replace(year=today.year - 1), name="南臺光學"
    )
    rf.affiliation(core[1], UBN, today.replace(year=today.year - 20), today.replace(year=today.year - 10))  # too old
    with tenant_scope(world.a):
        flagged = {e.pk: e.conflicts for e in review_queries.picker(meeting)}
        assert flagged[core[0].pk] == ["南臺光學"] and flagged[core[1].pk] == []
        with pytest.raises(TransitionRefused) as exc:
            review_services.invite_expert(meeting, core[0], world.cto)
        assert exc.value.code == "conflict_flagged" and UBN in exc.value.message
        inv = review_services.invite_expert(meeting, core[0], world.cto, override_reason="已離職三年，無業務往來。")
        assert inv.conflict_flagged and inv.override_reason
        assert not review_services.invite_expert(meeting, core[1], world.cto).conflict_flagged
    body = _client(world.cto).get(rurl("panel", meeting_pk=meeting.pk), **EN).content.decode()
    assert UBN in body and 'id="subject-link"' in body


# ---- closing: the decision runs the onboarding transition ----------------------------------------------------
@pytest.mark.parametrize(
    ("outcome", "transition", "target"),
    [
        (DecisionOutcome.PASS, "approve", S.APPROVED),
        (DecisionOutcome.RETURN, "return_final", S.RETURNED),
        (DecisionOutcome.REJECT, "reject_final", S.REJECTED),
    ],
)
def test_closing_the_meeting_decides_the_onboarding(world, waiting, core, outcome, transition, target):
    meeting = _schedule(world, waiting)
    for e in core[:3]:
        _seat(world, meeting, e)
    decision = _close(world, meeting, outcome, reasons="請補充量產良率資料。")
    assert _state(world, waiting) == target
    with tenant_scope(world.a):
        meeting = ReviewMeeting.objects.get(pk=meeting.pk)
        assert meeting.state == MeetingState.CLOSED and decision.state == "recorded"
        log = history(waiting).filter(action=transition).get()
        assert (log.actor_id, log.source_state, log.target_state) == (world.cto.pk, S.FINAL_REVIEW, target)
        link = history(waiting).filter(action="edited", data__final_review_meeting=meeting.pk).get()
        assert link.data["outcome"] == transition
        profile = SupplierProfile.objects.get(pk=waiting.pk)
        assert profile.final_review_due is None
        assert profile.status_reason == ("" if target == S.APPROVED else "請補充量產良率資料。")
        html = minutes.render_minutes_html(decision)
        assert "供應商複審" in html and "南臺光學股份有限公司" in html
    with tenant_scope(world.a):  # into the directory (under a two-character term) only when approved
        ids, _ranked = queries.directory(world.reviewer, world.a, q="光學")
        assert (waiting.pk in ids) == (target == S.APPROVED)


@pytest.mark.parametrize("persona_name", ["office_reviewer", "tenant_admin", "supplier", "expert"])
def test_only_the_cto_closes_it(world, waiting, core, persona_name):
    meeting = _schedule(world, waiting)
    for e in core[:3]:
        _seat(world, meeting, e)
    with pytest.raises(PermissionDenied):
        _close(world, meeting, DecisionOutcome.PASS, user=world.by_role()[persona_name])
    assert _state(world, waiting) == S.FINAL_REVIEW


def test_a_profile_that_moved_on_refuses_the_close_and_nothing_is_saved(world, waiting, core):
    meeting = _schedule(world, waiting)
    for e in core[:3]:
        _seat(world, meeting, e)
    set_fields(waiting, state=S.SUSPENDED)
    with pytest.raises(TransitionRefused):
        _close(world, meeting, DecisionOutcome.PASS)
    with tenant_scope(world.a):
        meeting = ReviewMeeting.objects.get(pk=meeting.pk)
        assert meeting.state == MeetingState.SCHEDULED
        assert not ReviewDecision.objects.filter(meeting=meeting).exists()


def test_the_outcomes_and_their_labels_come_from_the_registered_subject():
    assert subjects.kind_of(ReviewStage.SUPPLIER_FINAL) is final_review.KIND
    assert subjects.kind_of(ReviewStage.FINAL) is None
    assert subjects.outcome_label(ReviewStage.SUPPLIER_FINAL, "pass") == "Approve as a partner"
    assert subjects.outcome_label(ReviewStage.FINAL, "pass") == "Pass"
    other = subjects.MeetingSubject(
        stage=ReviewStage.SUPPLIER_FINAL,
        panel_limits=lambda t: (1, 1),
        ubn=lambda m: "",
        due=lambda m: None,
        url=lambda s, i: "",
        visible=lambda u, m: False,
        decide=lambda m, d, u: None,
    )
    with pytest.raises(ImproperlyConfigured):
        subjects.register(other)


# ---- the stand-in button is gone ---------------------------------------------------------------------------
@pytest.mark.parametrize("action", ["approve", "reject_final", "return_final"])
def test_the_profile_page_and_api_refuse_the_final_review_decisions(world, waiting, action):
    client = _client(world.cto)
    body = client.get(url("detail", pk=waiting.pk), **EN).content.decode()
    assert 'data-action="approve"' not in body and 'id="schedule-final-review"' in body
    response = client.post(url("transition", pk=waiting.pk, action=action), {"reason": "x"}, **EN)
    assert response.status_code == 409 and "decided in its review meeting" in response.content.decode()
    api = APIClient()
    api.force_authenticate(world.cto)
    response = api.post(f"/api/v1/t/tsmp/suppliers/profiles/{waiting.pk}/transitions/{action}/", {"reason": "x"}, **EN)
    assert response.status_code == 409 and response.data["code"] == "decided_in_meeting"
    assert _state(world, waiting) == S.FINAL_REVIEW


# ---- pages -----------------------------------------------------------------------------------------------------
def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_the_cto_runs_the_meeting_on_the_review_pages(world, waiting, core, django_assert_max_num_queries):
    client = _client(world.cto)
    when = timezone.localtime(_when(3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url("schedule_final_review", pk=waiting.pk), {"scheduled_at": when, "mode": "in_person", "room": ""}, **EN
    )
    assert response.status_code == 400 and "Say where the meeting is held." in response.content.decode()
    response = client.post(
        url("schedule_final_review", pk=waiting.pk), {"scheduled_at": when, "mode": "in_person", "room": "B1"}
    )
    with tenant_scope(world.a):
        meeting = ReviewMeeting.objects.get(stage=ReviewStage.SUPPLIER_FINAL)
    assert response.status_code == 302 and response["Location"] == rurl("panel", meeting_pk=meeting.pk)
    assert (
        client.post(
            url("schedule_final_review", pk=waiting.pk), {"scheduled_at": when, "mode": "in_person", "room": "B1"}
        ).status_code
        == 409
    )
    for e in core[:3]:
        assert client.post(rurl("panel_invite", meeting_pk=meeting.pk), {"expert": e.pk}).status_code == 302
    for e in core[:3]:
        expert_client = _client(e.user)
        with tenant_scope(world.a):
            inv = meeting.invitations.get(expert=e)
        assert expert_client.get(url("detail", pk=waiting.pk)).status_code == 404  # before declaring
        page = expert_client.get(rurl("invitation", inv_pk=inv.pk), **EN).content.decode()
        assert "南臺光學股份有限公司" in page and 'id="case-link"' not in page
        assert (
            expert_client.post(
                rurl("invitation_declare", inv_pk=inv.pk), {"has_conflict": "no", "text_version": _version()}
            ).status_code
            == 302
        )
        assert expert_client.post(rurl("invitation_accept", inv_pk=inv.pk)).status_code == 302
        page = expert_client.get(rurl("invitation", inv_pk=inv.pk), **EN).content.decode()
        assert url("detail", pk=waiting.pk) in page
        profile_page = expert_client.get(url("detail", pk=waiting.pk)).content.decode()
        assert 'id="reference-prices"' not in profile_page and 'id="background-ip"' not in profile_page
    with django_assert_max_num_queries(30):
        assert client.get(rurl("meeting", pk=meeting.pk)).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(rurl("panel", meeting_pk=meeting.pk)).status_code == 200
    with django_assert_max_num_queries(30):
        body = client.get(rurl("decision", pk=meeting.pk), **EN).content.decode()
    assert "Approve as a partner" in body and "Return for more information" in body
    assert "value_creation_tier" not in body and "case_manager" not in body
    with django_assert_max_num_queries(40):
        page = client.get(url("detail", pk=waiting.pk), **EN).content.decode()
    assert f'data-meeting="{meeting.pk}"' in page and 'id="schedule-final-review"' not in page
    response = client.post(rurl("decision", pk=meeting.pk), {"outcome": "pass", "reasons": "共識通過。"})
    assert response.status_code == 302
    assert _state(world, waiting) == S.APPROVED
    page = client.get(url("detail", pk=waiting.pk)).content.decode()
    assert 'data-outcome="pass"' in page
    for name in ("meetings", "overview"):
        assert client.get(rurl(name)).status_code == 200


def _version():
    from review.conflicts import DECLARATION_VERSION

    return DECLARATION_VERSION


def test_the_profile_page_stays_bounded_with_many_rounds(world, waiting, django_assert_max_num_queries):
    client = _client(world.cto)
    for _ in range(4):
        with tenant_scope(world.a):
            review_meetings.run_meeting_action(_schedule(world, waiting), "cancel", world.cto)
    with django_assert_max_num_queries(40) as ctx:
        client.get(url("detail", pk=waiting.pk))
    few = len(ctx.captured_queries)
    for _ in range(4):
        with tenant_scope(world.a):
            review_meetings.run_meeting_action(_schedule(world, waiting), "cancel", world.cto)
    with django_assert_max_num_queries(few):
        client.get(url("detail", pk=waiting.pk))


# ---- isolation, API ---------------------------------------------------------------------------------------------
def test_another_tenants_staff_get_404(world, waiting):
    b_cto = persona(world.b, Role.CTO)
    meeting = _schedule(world, waiting)
    client = _client(b_cto)
    when = timezone.localtime(_when(3)).strftime("%Y-%m-%dT%H:%M")
    b_url = reverse("suppliers:schedule_final_review", kwargs={"tenant_slug": "ailab", "pk": waiting.pk})
    assert client.post(b_url, {"scheduled_at": when, "mode": "in_person", "room": "B"}).status_code == 404
    for name, kwargs in (("meeting", {"pk": meeting.pk}), ("panel", {"meeting_pk": meeting.pk})):
        assert client.get(reverse(f"review:{name}", kwargs={"tenant_slug": "ailab", **kwargs})).status_code == 404
    api = APIClient()
    api.force_authenticate(b_cto)
    assert api.get(f"/api/v1/t/ailab/review/meetings/{meeting.pk}/").status_code == 404
    assert meeting.pk not in [m["id"] for m in api.get("/api/v1/t/ailab/review/meetings/").data["results"]]
    client = _client(world.supplier)  # a supplier of tenant A that is not this profile's
    when_data = {"scheduled_at": when, "mode": "in_person", "room": "B"}
    assert client.post(url("schedule_final_review", pk=waiting.pk), when_data).status_code == 404
    assert _client(waiting.member).post(url("schedule_final_review", pk=waiting.pk), when_data).status_code == 403


def test_the_meetings_api_shows_the_supplier_meeting_to_staff_and_its_seated_panel_only(world, waiting, core):
    meeting = _schedule(world, waiting)
    _seat(world, meeting, core[0])
    api = APIClient()

    def ids(user):
        api.force_authenticate(user)
        return [m["id"] for m in api.get("/api/v1/t/tsmp/review/meetings/").data["results"]]

    api.force_authenticate(world.reviewer)
    data = api.get(f"/api/v1/t/tsmp/review/meetings/{meeting.pk}/").data
    assert (data["case"], data["case_reference"], data["subject_id"], data["stage"]) == (
        None,
        None,
        waiting.pk,
        "supplier_final",
    )
    assert data["subject_title"] == "南臺光學股份有限公司"
    assert meeting.pk in ids(core[0].user)
    assert meeting.pk not in ids(core[1].user)  # not on the panel
    api.force_authenticate(waiting.member)
    assert meeting.pk not in ids(waiting.member)  # the supplier reads its meetings on its profile page only
    assert api.get(f"/api/v1/t/tsmp/review/meetings/{meeting.pk}/").status_code == 404


def test_office_staff_flag_core_members_and_an_expert_cannot_flag_themselves(world):
    exp = rf.expert(world.a, first_name="自薦委員")
    with tenant_scope(world.a):
        review_services.update_expert(exp, exp.user, {"is_core": True, "title": "顧問"})
        exp.refresh_from_db()
        assert (exp.is_core, exp.title) == (False, "顧問")
        review_services.update_expert(exp, world.reviewer, {"is_core": True})
        exp.refresh_from_db()
        assert exp.is_core
        assert history(exp).filter(action="edited").last().data["changes"]["is_core"] == {
            "before": False,
            "after": True,
        }
    body = _client(world.reviewer).get(reverse("review:expert_list", kwargs={"tenant_slug": "tsmp"})).content.decode()
    assert f'<tr data-expert="{exp.pk}">' in body and 'data-core="1"' in body
