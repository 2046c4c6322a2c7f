"""Reads of the review committee (the services write). Each helper owns its section; run in the tenant scope.

Sections: the reviews overview, the CTO's final-review due dates and the case page's due date (rvops).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from cases.enums import CaseState
from cases.models import DemandCase
from review.enums import OPEN_INVITATION_STATES, OPEN_MEETING_STATES, InvitationState, MeetingState, ReviewStage
from review.models import CaseReview, Expert, ReviewMeeting

# ---- reviews overview, final-review due dates (rvops) -------------------------------------------------------
#: Rows the overview lists per table before "and n more" (the expert pool is listed whole).
OVERVIEW_ROWS = 50
#: Rows of the CTO's home panel.
HOME_ROWS = 10


def week_bounds(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Monday 00:00 to the next Monday 00:00 (aware, current time zone: Asia/Taipei) of ``today``'s week."""
    monday = today - dt.timedelta(days=today.weekday())
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time.min))
    return start, start + dt.timedelta(days=7)


def _accepted_counts() -> dict[str, Any]:
    accepted = Q(invitations__state=InvitationState.ACCEPTED)
    return {
        "accepted_count": Count("invitations", filter=accepted),
        "scored_count": Count("invitations", filter=accepted & Q(invitations__scores_submitted_at__isnull=False)),
    }


def meetings_between(start: dt.datetime, end: dt.datetime) -> QuerySet[ReviewMeeting]:
    """Meetings (not cancelled) held in ``[start, end)``, earliest first, with ``accepted_count`` (experts who
    accepted a seat) and ``scored_count`` (of those, who submitted their scores) annotated; case joined."""
    return (
        ReviewMeeting.objects.filter(scheduled_at__gte=start, scheduled_at__lt=end)
        .exclude(state=MeetingState.CANCELLED)
        .select_related("case")
        .annotate(**_accepted_counts())
        .order_by("scheduled_at", "pk")
    )


def _open_meeting(stage: str) -> Exists:
    return Exists(ReviewMeeting.objects.filter(case=OuterRef("pk"), stage=stage, state__in=sorted(OPEN_MEETING_STATES)))


def waiting_for_scheduling() -> QuerySet[DemandCase]:
    """Cases in the preliminary (初審) or final review (複審) with no open meeting of that stage: the CTO must
    schedule one. Annotated ``final_due`` (the final-review due date, None for a preliminary) and
    ``rounds_held`` (closed meetings of the current stage); the final reviews first, earliest due first, then the
    longest waiting."""
    closed_rounds = (
        ReviewMeeting.objects.filter(case=OuterRef("pk"), stage=OuterRef("_stage"), state=MeetingState.CLOSED)
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    prelim = Q(state=CaseState.PRELIMINARY_REVIEW) & ~_open_meeting(ReviewStage.PRELIMINARY)
    final = Q(state=CaseState.FINAL_REVIEW) & ~_open_meeting(ReviewStage.FINAL)
    return (
        DemandCase.objects.filter(prelim | final)
        .select_related("applicant_org")
        .only("pk", "reference", "title", "state", "updated_at", "applicant_org__name")
        .annotate(
            _stage=Case(
                When(state=CaseState.FINAL_REVIEW, then=Value(ReviewStage.FINAL.value)),
                default=Value(ReviewStage.PRELIMINARY.value),
                output_field=CharField(),
            ),
            final_due=Subquery(CaseReview.objects.filter(case=OuterRef("pk")).values("final_review_due")[:1]),
        )
        .annotate(rounds_held=Subquery(closed_rounds))
        .order_by("state", "final_due", "updated_at", "pk")
    )


def final_reviews_due() -> QuerySet[CaseReview]:
    """Committee files of cases still in the final review (複審) with a due date, earliest due first; case
    joined, ``final_meeting_at`` (the open final meeting's date, if one is scheduled) annotated."""
    final_meeting = ReviewMeeting.objects.filter(
        case=OuterRef("case"), stage=ReviewStage.FINAL, state__in=sorted(OPEN_MEETING_STATES)
    ).order_by("scheduled_at")
    return (
        CaseReview.objects.filter(case__state=CaseState.FINAL_REVIEW, final_review_due__isnull=False)
        .select_related("case__applicant_org")
        .annotate(final_meeting_at=Subquery(final_meeting.values("scheduled_at")[:1]))
        .order_by("final_review_due", "pk")
    )


def expert_workload(start: dt.datetime, end: dt.datetime) -> QuerySet[Expert]:
    """The active expert pool with ``open_invitations`` (invited or accepted, meeting still open: the load the
    invitation picker shows), ``pending_scores`` (accepted, meeting open, scores not submitted),
    ``meetings_in_week`` (seats accepted on meetings in ``[start, end)``) and ``reviews_done`` (accepted seats on
    closed meetings), busiest first. One query."""
    open_seat = Q(invitations__state__in=sorted(OPEN_INVITATION_STATES)) & Q(
        invitations__meeting__state__in=sorted(OPEN_MEETING_STATES)
    )
    accepted = Q(invitations__state=InvitationState.ACCEPTED)
    return (
        Expert.objects.filter(is_active=True)
        .select_related("user")
        .annotate(
            open_invitations=Count("invitations", filter=open_seat),
            pending_scores=Count(
                "invitations",
                filter=open_seat & accepted & Q(invitations__scores_submitted_at__isnull=True),
            ),
            meetings_in_week=Count(
                "invitations",
                filter=accepted
                & Q(invitations__meeting__scheduled_at__gte=start, invitations__meeting__scheduled_at__lt=end)
                & ~Q(invitations__meeting__state=MeetingState.CANCELLED),
            ),
            reviews_done=Count("invitations", filter=accepted & Q(invitations__meeting__state=MeetingState.CLOSED)),
        )
        .order_by("-open_invitations", "user__last_name", "user__first_name", "pk")
    )


def _capped(qs: QuerySet, limit: int) -> tuple[list[Any], bool]:
    rows = list(qs[: limit + 1])
    return rows[:limit], len(rows) > limit


def reviews_overview(tenant: Any, today: dt.date | None = None) -> dict[str, Any]:
    """The reviews overview of the current tenant (ISSUE 8 "Reviews overview"):

    ``{"week_start": date, "week_end": date (Sunday), "today": date, "meetings": [meeting], "waiting": [case],
    "overdue": [file], "due_soon": [file], "experts": [expert], "more": {table: bool}}`` — each list capped at
    :data:`OVERVIEW_ROWS` (``more[table]`` says rows were left off), the expert pool whole. ``overdue``: final
    reviews whose due date has passed; ``due_soon``: due within ``review_final_due_warning_days``. Five queries
    whatever the number of rows.
    """
    today = today or timezone.localdate()
    start, end = week_bounds(today)
    meetings, more_meetings = _capped(meetings_between(start, end), OVERVIEW_ROWS)
    waiting, more_waiting = _capped(waiting_for_scheduling(), OVERVIEW_ROWS)
    horizon = today + dt.timedelta(days=tenant.config.review_final_due_warning_days)
    due, more_due = _capped(final_reviews_due().filter(final_review_due__lte=horizon), OVERVIEW_ROWS)
    return {
        "today": today,
        "week_start": start.date(),
        "week_end": (end - dt.timedelta(days=1)).date(),
        "meetings": meetings,
        "waiting": waiting,
        "overdue": [f for f in due if f.final_review_due < today],
        "due_soon": [f for f in due if f.final_review_due >= today],
        "experts": list(expert_workload(start, end)),
        "more": {"meetings": more_meetings, "waiting": more_waiting, "due": more_due},
    }


def cto_final_due_panel(tenant: Any, today: dt.date | None = None) -> dict[str, Any]:
    """The CTO's home panel: ``{"files": [file], "count": int, "overdue_count": int, "today": date}`` — cases in
    the final review by due date (at most :data:`HOME_ROWS`, ``final_meeting_at`` annotated). Three queries."""
    today = today or timezone.localdate()
    qs = final_reviews_due()
    counts = qs.order_by().aggregate(count=Count("pk"), overdue=Count("pk", filter=Q(final_review_due__lt=today)))
    files = list(qs[:HOME_ROWS]) if counts["count"] else []
    return {"files": files, "count": counts["count"], "overdue_count": counts["overdue"], "today": today}


def case_review_file(case: Any) -> CaseReview | None:
    """The committee file of ``case`` (preliminary review end, final-review due date), or None. One query."""
    return CaseReview.objects.filter(case=case).first()
