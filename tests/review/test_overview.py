"""The reviews overview page, the CTO's final-review due dates on their home and the due date on the case page."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases.enums import CaseState
from platform_site.enums import TenantKind
from platform_site.tenancy import tenant_scope
from review.enums import InvitationState, MeetingState, ReviewStage
from review.models import CaseReview
from review.queries import week_bounds
from tests.factories import set_fields
from tests.review import factories as rf

pytestmark = pytest.mark.django_db


def _extra():
    """PostgreSQL sets and clears app.tenant_id (row-level security) once each per request."""
    return 2 if connection.vendor == "postgresql" else 0


def overview_url(slug="tsmp"):
    return reverse("review:overview", kwargs={"tenant_slug": slug})


def home_url(slug="tsmp"):
    return reverse("tenant_home", kwargs={"tenant_slug": slug})


def _file(case, due):
    with tenant_scope(case.tenant):
        return CaseReview.objects.create(
            case=case, preliminary_ended_on=due - dt.timedelta(days=31), final_review_due=due
        )


def _board(world, experts=3):
    """This week's preliminary meeting with ``experts`` accepted seats (one scored), a meeting next week, a
    preliminary case without a meeting and a final review overdue without a meeting."""
    today = timezone.localdate()
    start, _end = week_bounds(today)
    this_week = rf.meeting(world.a, chair=world.cto)
    set_fields(this_week, scheduled_at=start + dt.timedelta(days=2, hours=9))
    seats = [rf.seat(this_week) for _ in range(experts)]
    set_fields(seats[0], scores_submitted_at=timezone.now())
    rf.seat(this_week, state=InvitationState.DECLINED)
    next_week = rf.meeting(world.a, chair=world.cto)
    set_fields(next_week, scheduled_at=start + dt.timedelta(days=8))
    cancelled = rf.meeting(world.a, chair=world.cto)
    set_fields(cancelled, scheduled_at=start + dt.timedelta(days=1), state=MeetingState.CANCELLED)
    waiting = rf.case_in(world.a, applicant_org=world.org_a, title="等待排程的初審案")
    overdue = rf.case_in(world.a, CaseState.FINAL_REVIEW, applicant_org=world.org_a, title="逾期的複審案")
    _file(overdue, today - dt.timedelta(days=2))
    return {
        "this_week": this_week,
        "next_week": next_week,
        "cancelled": cancelled,
        "waiting": waiting,
        "overdue": overdue,
        "seats": seats,
    }


def test_the_overview_shows_the_week_the_waiting_cases_the_overdue_and_the_workload(client, world):
    rows = _board(world)
    client.force_login(world.cto)
    response = client.get(overview_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    meetings = [m.pk for m in response.context["meetings"]]
    assert meetings == [rows["this_week"].pk]  # not next week's, not the cancelled one
    assert response.context["meetings"][0].accepted_count == 3
    assert response.context["meetings"][0].scored_count == 1
    waiting = {c.reference for c in response.context["waiting"]}
    assert rows["waiting"].reference in waiting and rows["overdue"].reference in waiting
    assert rows["this_week"].case.reference not in waiting and rows["next_week"].case.reference not in waiting
    assert rows["cancelled"].case.reference in waiting  # its only meeting was called off
    assert response.context["waiting"][0].reference == rows["overdue"].reference  # final reviews first
    assert [f.case_id for f in response.context["overdue"]] == [rows["overdue"].pk]
    load = {e.pk: e for e in response.context["experts"]}
    first = load[rows["seats"][0].expert_id]
    second = load[rows["seats"][1].expert_id]
    assert (first.open_invitations, first.pending_scores, first.meetings_in_week) == (1, 0, 1)
    assert (second.open_invitations, second.pending_scores, second.meetings_in_week) == (1, 1, 1)
    body = response.content.decode()
    assert 'data-overdue="1"' in body and "Expert workload" in body and "Meetings this week" in body
    assert reverse("review:meeting", kwargs={"tenant_slug": "tsmp", "pk": rows["this_week"].pk}) in body
    assert reverse("review:schedule", kwargs={"tenant_slug": "tsmp", "case_pk": rows["waiting"].pk}) in body


def test_a_closed_meeting_counts_as_a_review_done_and_leaves_the_open_load(client, world):
    rows = _board(world, experts=1)
    set_fields(rows["this_week"], state=MeetingState.CLOSED)
    client.force_login(world.reviewer)  # office reviewers read the overview too
    response = client.get(overview_url())
    assert "/schedule/" not in response.content.decode()  # only the CTO schedules
    expert = next(e for e in response.context["experts"] if e.pk == rows["seats"][0].expert_id)
    assert (expert.open_invitations, expert.reviews_done) == (0, 1)


@pytest.mark.parametrize("experts", [1, 7])
def test_overview_and_home_queries_do_not_grow_with_the_experts(client, world, django_assert_max_num_queries, experts):
    _board(world, experts=experts)
    client.force_login(world.cto)
    # session, user, tenant, memberships; meetings, waiting cases, final reviews due, experts.
    with django_assert_max_num_queries(8 + _extra()):
        assert client.get(overview_url()).status_code == 200
    with django_assert_max_num_queries(12 + _extra()):  # every panel of the CTO's home
        assert client.get(home_url()).status_code == 200


@pytest.mark.parametrize("persona", ["applicant", "expert", "supplier", "case_manager"])
def test_only_office_staff_read_the_overview(client, world, persona):
    client.force_login(getattr(world, persona))
    assert client.get(overview_url()).status_code == 403


@pytest.mark.parametrize("persona", ["b_reviewer", "b_applicant", "outsider"])
def test_the_overview_is_404_in_another_tenant(client, world, persona):
    _board(world)
    client.force_login(getattr(world, persona))
    assert client.get(overview_url()).status_code == 404


def test_a_verification_lab_has_no_overview(client, world):
    client.force_login(world.b_reviewer)
    world.b.kind = TenantKind.VERIFICATION_LAB
    world.b.save()
    assert client.get(overview_url("ailab")).status_code == 404


def test_the_cto_home_lists_final_reviews_by_due_date_with_the_overdue_flagged(client, world):
    today = timezone.localdate()
    late = rf.case_in(world.a, CaseState.FINAL_REVIEW, applicant_org=world.org_a, title="逾期")
    soon = rf.case_in(world.a, CaseState.FINAL_REVIEW, applicant_org=world.org_a, title="將到期")
    done = rf.case_in(world.a, CaseState.IN_SERVICE, applicant_org=world.org_a, title="已通過")
    _file(late, today - dt.timedelta(days=1))
    _file(soon, today + dt.timedelta(days=10))
    _file(done, today - dt.timedelta(days=5))
    final = rf.meeting(world.a, soon, stage=ReviewStage.FINAL, chair=world.cto)
    client.force_login(world.cto)
    response = client.get(home_url(), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert 'data-panel="final-reviews-due"' in body
    panel = body.split('data-panel="final-reviews-due"')[1].split('data-panel="')[0]
    assert panel.index(late.reference) < panel.index(soon.reference) and done.reference not in panel
    assert f'data-case="{late.reference}" data-overdue="1"' in panel
    assert f'data-case="{soon.reference}">' in panel
    assert timezone.localtime(final.scheduled_at).strftime("%Y-%m-%d %H:%M") in panel
    assert "1 overdue" in panel
    client.force_login(world.reviewer)  # the CTO's panel only
    assert 'data-panel="final-reviews-due"' not in client.get(home_url()).content.decode()


def test_the_case_page_shows_the_final_review_due_date_and_flags_it_overdue(client, world):
    today = timezone.localdate()
    case = rf.case_in(world.a, CaseState.FINAL_REVIEW, applicant_org=world.org_a)
    fresh = rf.case_in(world.a, applicant_org=world.org_a)  # still in 初審: no due date yet
    _file(case, today - dt.timedelta(days=1))
    client.force_login(world.cto)
    url = reverse("cases:detail", kwargs={"tenant_slug": "tsmp", "pk": case.pk})
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'data-due="{(today - dt.timedelta(days=1)).isoformat()}"' in body and 'data-flag="overdue"' in body
    client.force_login(world.applicant)  # the applicant sees the date too (they must attend in person)
    assert 'id="final-review-due"' in client.get(url).content.decode()
    set_fields(case, state=CaseState.IN_SERVICE)  # held and passed: the date stays, the flag goes
    body = client.get(url).content.decode()
    assert 'id="final-review-due"' in body and 'data-flag="overdue"' not in body
    fresh_url = reverse("cases:detail", kwargs={"tenant_slug": "tsmp", "pk": fresh.pk})
    body = client.get(fresh_url).content.decode()
    assert 'id="final-review-due"' not in body and 'id="committee-link"' in body
    assert 'id="schedule-link"' not in body  # the applicant schedules nothing


def test_the_cto_schedules_from_the_case_page_until_a_meeting_of_the_stage_is_open(client, world):
    case = rf.case_in(world.a, applicant_org=world.org_a)
    draft = rf.case_in(world.a, CaseState.SUBMITTED, applicant_org=world.org_a)
    client.force_login(world.cto)
    url = reverse("cases:detail", kwargs={"tenant_slug": "tsmp", "pk": case.pk})
    body = client.get(url).content.decode()
    assert reverse("review:schedule", kwargs={"tenant_slug": "tsmp", "case_pk": case.pk}) in body
    meeting = rf.meeting(world.a, case, chair=world.cto)
    body = client.get(url).content.decode()
    assert 'id="schedule-link"' not in body
    assert reverse("review:meeting", kwargs={"tenant_slug": "tsmp", "pk": meeting.pk}) in body
    set_fields(meeting, state=MeetingState.CLOSED)  # e.g. "another round": the next one can be scheduled
    assert 'id="schedule-link"' in client.get(url).content.decode()
    draft_url = reverse("cases:detail", kwargs={"tenant_slug": "tsmp", "pk": draft.pk})
    assert 'id="committee-review"' not in client.get(draft_url).content.decode()  # not at the committee yet
