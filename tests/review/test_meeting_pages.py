"""Meeting pages (review.views.meetings): scheduling, the CTO's meeting page, open / cancel, attendance, the board,
the expert's scoring page (independent / open visibility, frozen after close), with bounded query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases.enums import CaseState
from platform_site.tenancy import tenant_scope
from platform_site.transitions import run_transition
from review.enums import InvitationState, MeetingState, ReviewStage
from review.models import ReviewDecision, ReviewMeeting, Score
from review.services import meetings
from tests.factories import reload, set_fields
from tests.review import factories as rf

pytestmark = pytest.mark.django_db


def _user(seat):
    """The seat's expert's user, read in the tenant's scope (row-level security on PostgreSQL)."""
    with tenant_scope(seat.tenant):
        return seat.expert.user


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


def url(name, **kwargs):
    return reverse(f"review:{name}", kwargs={"tenant_slug": "tsmp", **kwargs})


def _extra():
    """PostgreSQL sets and clears app.tenant_id (row-level security) once each per request."""
    return 2 if connection.vendor == "postgresql" else 0


def _when(days=7):
    return (timezone.localtime() + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _score(seat, tier, linkage, submit=True):
    entries = {
        "value_creation": {"value": tier, "justification": f"理由{seat.pk}"},
        "local_linkage": {"value": linkage, "justification": "在地鏈結"},
        "recommendation": {"value": 1},
    }
    with tenant_scope(seat.tenant):
        meetings.save_scores(seat, _user(seat), entries, submit=submit)


def test_the_cto_schedules_a_round_from_the_waiting_list(client, world):
    case = rf.case_in(world.a, applicant_org=world.org_a)
    client.force_login(world.cto)
    listing = client.get(url("meetings")).content.decode()
    assert url("schedule", case_pk=case.pk) in listing
    assert client.get(url("schedule", case_pk=case.pk)).status_code == 200
    past = client.post(url("schedule", case_pk=case.pk), {"scheduled_at": _when(-1), "mode": "video"})
    assert past.status_code == 400 and "in the future" in past.content.decode()
    no_room = client.post(url("schedule", case_pk=case.pk), {"scheduled_at": _when(), "mode": "in_person"})
    assert no_room.status_code == 400 and "Say where the meeting is held" in no_room.content.decode()
    done = client.post(url("schedule", case_pk=case.pk), {"scheduled_at": _when(), "mode": "in_person", "room": "A301"})
    with tenant_scope(world.a):
        mtg = ReviewMeeting.objects.get(case=case)
    assert done.status_code == 302 and done.url == url("meeting", pk=mtg.pk)
    page = client.get(url("meeting", pk=mtg.pk)).content.decode()
    assert "round 1" in page and "A301" in page
    assert url("schedule", case_pk=case.pk) not in client.get(url("meetings")).content.decode()
    again = client.post(url("schedule", case_pk=case.pk), {"scheduled_at": _when(), "mode": "in_person", "room": "B"})
    assert again.status_code == 409 and "still open" in again.content.decode()


def test_only_the_cto_schedules_and_only_cases_in_review(client, world):
    case = rf.case_in(world.a, applicant_org=world.org_a)
    client.force_login(world.reviewer)
    assert client.get(url("schedule", case_pk=case.pk)).status_code == 403
    assert client.get(url("meetings")).status_code == 200  # office staff read the meetings
    for persona in (world.applicant, world.expert):
        client.force_login(persona)
        assert client.get(url("meetings")).status_code == 403
    client.force_login(world.cto)
    set_fields(case, state=CaseState.QUALIFICATION)
    response = client.post(url("schedule", case_pk=case.pk), {"scheduled_at": _when(), "mode": "video"})
    assert response.status_code == 409 and "not waiting" in response.content.decode()


def test_open_cancel_and_attendance_from_the_meeting_page(client, world):
    mtg = rf.meeting(world.a, stage=ReviewStage.FINAL, chair=world.cto)
    seats = [rf.seat(mtg) for _ in range(2)]
    client.force_login(world.reviewer)
    assert client.post(url("meeting_action", pk=mtg.pk, action="open")).status_code == 403
    client.force_login(world.cto)
    assert client.post(url("meeting_action", pk=mtg.pk, action="close")).status_code == 404
    assert client.post(url("meeting_action", pk=mtg.pk, action="open")).status_code == 302
    mtg = reload(mtg)
    assert mtg.state == MeetingState.IN_SESSION
    bad = client.post(url("attendance", pk=mtg.pk), {"applicant_attendance": "teleport"})
    assert bad.status_code == 400
    data = {f"expert_{seats[0].pk}": "yes", f"expert_{seats[1].pk}": "no", "applicant_attendance": "in_person"}
    assert client.post(url("attendance", pk=mtg.pk), data).status_code == 302
    seats[0] = reload(seats[0])
    mtg = reload(mtg)
    assert (seats[0].attended, mtg.applicant_attendance) == (True, "in_person")
    assert client.post(url("meeting_action", pk=mtg.pk, action="cancel"), {"comment": "改期"}).status_code == 302
    mtg = reload(mtg)
    assert mtg.state == MeetingState.CANCELLED
    refused = client.post(url("attendance", pk=mtg.pk), {"applicant_attendance": "absent"})
    assert refused.status_code == 409 and "can no longer change" in refused.content.decode()


def test_the_expert_scores_on_the_rubric_and_submits(client, world):
    mtg = rf.meeting(world.a, chair=world.cto)
    seat = rf.seat(mtg)
    client.force_login(_user(seat))
    page = client.get(url("score", pk=mtg.pk))
    assert page.status_code == 200 and "Value creation (tier)" in page.content.decode()
    bad = client.post(url("score", pk=mtg.pk), {"value_creation": "7", "submit": "1"})
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    unjustified = client.post(
        url("score", pk=mtg.pk), {"value_creation": "2", "local_linkage": "4", "recommendation": "1", "submit": "1"}
    )
    assert unjustified.status_code == 400 and "needs a justification" in unjustified.content.decode()
    draft = client.post(url("score", pk=mtg.pk), {"value_creation": "2"})
    assert draft.status_code == 302
    form = {
        "value_creation": "1",
        "value_creation__why": "開發新市場",
        "local_linkage": "5",
        "local_linkage__why": "串聯半導體上下游",
        "recommendation": "1",
        "comments": "建議通過",
        "submit": "1",
    }
    assert client.post(url("score", pk=mtg.pk), form).status_code == 302
    with tenant_scope(world.a):
        saved = {s.criterion.key: (s.value, s.text) for s in Score.objects.filter(invitation=seat)}
    assert saved == {
        "value_creation": (1, ""),
        "local_linkage": (5, ""),
        "recommendation": (1, ""),
        "comments": (None, "建議通過"),
    }
    assert 'id="submitted"' in client.get(url("score", pk=mtg.pk)).content.decode()


@pytest.mark.parametrize("state", [InvitationState.INVITED, InvitationState.RECUSED, InvitationState.DECLINED])
def test_only_an_accepted_seat_reaches_the_scoring_page(client, world, state):
    mtg = rf.meeting(world.a, chair=world.cto)
    seat = rf.seat(mtg, state=state)
    client.force_login(_user(seat))
    assert client.get(url("score", pk=mtg.pk)).status_code == 404
    assert client.post(url("score", pk=mtg.pk), {"value_creation": "1"}).status_code == 404
    client.force_login(world.cto)  # the chair does not score (no seat)
    assert client.get(url("score", pk=mtg.pk)).status_code == 404


def test_independent_visibility_shows_the_others_only_after_submitting(client, world):
    mtg = rf.meeting(world.a, chair=world.cto)
    me, other = rf.seat(mtg), rf.seat(mtg)
    _score(other, 3, 2)
    _score(me, 1, 5, submit=False)
    client.force_login(_user(me))
    body = client.get(url("score", pk=mtg.pk)).content.decode()
    assert 'id="others-hidden"' in body and f"理由{other.pk}" not in body and str(other.expert) not in body
    _score(me, 1, 5, submit=True)
    body = client.get(url("score", pk=mtg.pk)).content.decode()
    assert 'id="others-hidden"' not in body and f"理由{other.pk}" in body and str(other.expert) in body
    assert "leniency" not in body  # the chair's aid only


def test_open_visibility_shows_the_others_at_once(client, world):
    world.a.settings = {**world.a.settings, "review_score_visibility": "open"}
    world.a.save()
    mtg = rf.meeting(world.a, chair=world.cto)
    me, other = rf.seat(mtg), rf.seat(mtg)
    _score(other, 3, 2)
    client.force_login(_user(me))
    assert f"理由{other.pk}" in client.get(url("score", pk=mtg.pk)).content.decode()


def test_scores_are_frozen_after_close_on_the_page_too(client, world):
    mtg = rf.meeting(world.a, chair=world.cto)
    seats = [rf.seat(mtg) for _ in range(3)]
    _score(seats[0], 2, 3)
    with tenant_scope(world.a):
        ReviewDecision.objects.create(meeting=mtg, outcome="another_round")
        run_transition(mtg, "close", mtg.chair)
    client.force_login(_user(seats[0]))
    body = client.get(url("score", pk=mtg.pk)).content.decode()
    assert 'id="frozen"' in body and 'id="score-form"' not in body
    late = client.post(url("score", pk=mtg.pk), {"value_creation": "1", "submit": "1"})
    assert late.status_code == 409 and "can no longer change" in late.content.decode()
    with tenant_scope(world.a):
        assert Score.objects.get(invitation=seats[0], criterion__key="value_creation").value == 2


def test_the_board_shows_scores_side_by_side_with_the_dispersion_flag_and_leniency(client, world):
    mtg = rf.meeting(world.a, chair=world.cto)
    seats = [rf.seat(mtg) for _ in range(3)]
    for seat, tier in zip(seats, (1, 2, 3), strict=True):
        _score(seat, tier, 4)
    client.force_login(world.cto)
    body = client.get(url("board", pk=mtg.pk)).content.decode()
    assert 'id="dispersion-alert"' in body
    assert body.count('data-dispersed="1"') == 1  # tiers 1-3 disagree; linkage 4, 4, 4 agrees
    assert all(str(seat.expert) in body for seat in seats)
    for persona in (_user(seats[0]), world.applicant, world.expert):
        client.force_login(persona)
        assert client.get(url("board", pk=mtg.pk)).status_code == 404
        assert client.get(url("meeting", pk=mtg.pk)).status_code == 404


def _history(mtg, experts):
    """A closed earlier meeting of the same experts (leniency has something to read) and the scored panel."""
    earlier = rf.meeting(mtg.tenant, mtg.case, round=mtg.round + 1, chair=mtg.chair)
    for i, exp in enumerate(experts):
        _score(rf.seat(earlier, exp), 1 + i % 3, 1 + i % 5)
    with tenant_scope(mtg.tenant):
        ReviewDecision.objects.create(meeting=earlier, outcome="another_round")
        set_fields(earlier, state=MeetingState.CLOSED)
    for i, exp in enumerate(experts):
        _score(rf.seat(mtg, exp), 1 + (i + 1) % 3, 1 + (i + 2) % 5)


@pytest.mark.parametrize("experts", [1, 7])
def test_meeting_pages_queries_do_not_grow_with_the_panel(client, world, django_assert_max_num_queries, experts):
    mtg = rf.meeting(world.a, chair=world.cto)
    pool = [rf.expert(world.a) for _ in range(experts)]
    _history(mtg, pool)
    client.force_login(world.cto)
    # session, user, tenant, memberships, meeting, criteria, seats, scores, leniency (+ the page's nav / layout)
    with django_assert_max_num_queries(10 + _extra()):
        response = client.get(url("board", pk=mtg.pk))
    # leniency needs a panel of two or more on the earlier meeting
    assert response.status_code == 200 and response.content.decode().count("leniency ") == (
        experts if experts > 1 else 0
    )
    with django_assert_max_num_queries(10 + _extra()):
        assert client.get(url("meeting", pk=mtg.pk)).status_code == 200
    with django_assert_max_num_queries(6 + _extra()):
        assert client.get(url("meetings")).status_code == 200
    client.force_login(pool[0].user)
    with django_assert_max_num_queries(10 + _extra()):
        assert client.get(url("score", pk=mtg.pk)).status_code == 200


def test_a_final_review_shows_its_due_date_and_flags_a_later_date(client, world):
    from review.models import CaseReview

    case = rf.case_in(world.a, CaseState.FINAL_REVIEW, applicant_org=world.org_a)
    due = timezone.localdate() + dt.timedelta(days=3)
    with tenant_scope(world.a):
        CaseReview.objects.create(case=case, preliminary_ended_on=timezone.localdate(), final_review_due=due)
    client.force_login(world.cto)
    page = client.get(url("schedule", case_pk=case.pk)).content.decode()
    assert due.isoformat() in page
    late = client.post(
        url("schedule", case_pk=case.pk), {"scheduled_at": _when(10), "mode": "in_person", "room": "A301"}, follow=True
    )
    body = late.content.decode()
    assert "after the final review" in body and "Scheduled after the due date" in body
