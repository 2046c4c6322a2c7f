"""Reads of the review committee, role-aware (the writes are in review.services and review.meetings).

Sections: meetings and scores (rvmeeting). Office staff see every meeting of the tenant (the CTO acts, the
others read); an expert sees the meetings where they hold an accepted seat (declared no conflict); the other
roles' rules are registered by the apps / parts that serve them (``meeting_visibility.rule``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from cases.enums import CaseState
from cases.queries import visible_cases
from platform_site.enums import OFFICE_ROLES, Role
from platform_site.tenancy import get_for_tenant_or_404
from platform_site.visibility import Visibility, every_row, get_visible_or_404
from review.enums import OPEN_MEETING_STATES, InvitationState, ReviewStage, ScoreVisibility
from review.models import CaseReview, PanelInvitation, ReviewMeeting, Score

# ---- meetings and scores (rvmeeting) ---------------------------------------------------------------------------
meeting_visibility = Visibility(
    "review.ReviewMeeting",
    rules={role: every_row for role in OFFICE_ROLES},
    pending=(Role.APPLICANT, Role.SUPPLIER, Role.CASE_MANAGER, Role.FINANCE),
)


@meeting_visibility.rule(Role.EXPERT)
def _seated_expert(user: Any, tenant: Any) -> Q:
    """An expert: the meetings where they hold an accepted seat in this tenant."""
    seats = PanelInvitation.objects.filter(meeting=OuterRef("pk"), expert__user=user, state=InvitationState.ACCEPTED)
    return Q(Exists(seats))


MEETING_LIST_ORDER = ("-scheduled_at", "-pk")  # meeting_state_when_idx serves the state filter


def meeting_list(user: Any, tenant: Any, *, open_only: bool = False) -> QuerySet[ReviewMeeting]:
    """Meetings ``user`` may list in ``tenant``, latest first, with the case joined (for the list page)."""
    qs = meeting_visibility.apply(ReviewMeeting.objects.select_related("case", "chair"), user, tenant)
    if open_only:
        qs = qs.filter(state__in=OPEN_MEETING_STATES)
    return qs.order_by(*MEETING_LIST_ORDER)


def api_meeting_list(user: Any, tenant: Any) -> QuerySet[ReviewMeeting]:
    """The API list: visible meetings, newest first by creation (cursor pagination)."""
    qs = meeting_visibility.apply(ReviewMeeting.objects.select_related("case"), user, tenant)
    return qs.order_by("-created_at", "-pk")


#: (case state, stage) pairs: a case in that state waits for a meeting of that stage.
WAITING = ((CaseState.PRELIMINARY_REVIEW, ReviewStage.PRELIMINARY), (CaseState.FINAL_REVIEW, ReviewStage.FINAL))


def cases_awaiting_meeting(user: Any, tenant: Any, limit: int = 20) -> list[Any]:
    """Cases in preliminary / final review with no open meeting of that stage (oldest first, at most
    ``limit``): the CTO schedules them. One query."""
    condition = Q()
    for state, stage in WAITING:
        open_meeting = ReviewMeeting.objects.filter(case=OuterRef("pk"), stage=stage, state__in=OPEN_MEETING_STATES)
        condition |= Q(state=state) & ~Q(Exists(open_meeting))
    qs = visible_cases(user, tenant).filter(condition).only("id", "reference", "title", "state", "applicant_org__name")
    return list(qs.order_by("created_at", "pk")[:limit])


def get_meeting_for_user(
    user: Any, tenant: Any, pk: Any, perm: str = "review.view_meeting", *, with_panel: bool = False
) -> ReviewMeeting:
    """The meeting ``pk`` with its case, rubric and chair: 404 unless visible and ``review.view_meeting``
    (office staff), 403 when visible but ``perm`` is denied. ``with_panel``: its invitations and their experts
    prefetched (one more query)."""
    qs = meeting_visibility.apply(
        ReviewMeeting.objects.select_related("case__applicant_org", "rubric", "chair"), user, tenant
    )
    if with_panel:
        qs = qs.prefetch_related(Prefetch("invitations", PanelInvitation.objects.select_related("expert__user")))
    return get_visible_or_404(qs, user, tenant, pk, view_perm="review.view_meeting", perm=perm)


def get_own_seat(user: Any, tenant: Any, meeting_pk: Any) -> PanelInvitation:
    """``user``'s accepted seat on meeting ``meeting_pk`` (with the meeting, its case and rubric): 404 for
    anyone else, an expert who has not accepted (declared) or recused, a malformed id or another tenant's
    meeting."""
    qs = PanelInvitation.objects.select_related("meeting__case", "meeting__rubric", "expert__user")
    return get_for_tenant_or_404(qs, meeting_id=meeting_pk, expert__user=user, state=InvitationState.ACCEPTED)


def others_visible(seat: PanelInvitation) -> bool:
    """Whether the expert of ``seat`` may see the other experts' scores: ``open`` visibility, or under
    ``independent`` (the default) once they submitted their own, or once the meeting is no longer open."""
    meeting = seat.meeting
    if meeting.tenant.config.review_score_visibility == ScoreVisibility.OPEN:
        return True
    return seat.scores_submitted_at is not None or meeting.state not in OPEN_MEETING_STATES


def seat_scores(seat: PanelInvitation) -> dict[int, Score]:
    """criterion id → the seat's score (one query)."""
    return {s.criterion_id: s for s in Score.objects.filter(invitation=seat)}


def final_review_due(case: Any) -> Any:
    """The date (Asia/Taipei) by which ``case``'s final review must be held (:class:`CaseReview`, set when the
    preliminary review passed; :func:`review.deadlines.final_review_due`), or None. One query."""
    return CaseReview.objects.filter(case=case).values_list("final_review_due", flat=True).first()


def held_after_due(meeting: ReviewMeeting, due: Any) -> bool:
    """Whether a final review is scheduled after its due date (the page flags it; seed 000: 初審結束後一個月內)."""
    return bool(due) and meeting.stage == ReviewStage.FINAL and timezone.localdate(meeting.scheduled_at) > due
