"""Reads of the review committee (pages, API, home panels): role-aware, a bounded number of queries each.

Sections: decisions, minutes and the applicant's view.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

from cases import queries as case_queries
from platform_site.enums import Role
from platform_site.rules import can
from platform_site.visibility import get_visible_or_404
from review.enums import DecisionState, InvitationState, MeetingState
from review.models import PanelInvitation, ReviewDecision, ReviewMeeting, TierDiscount


# ---- decisions, minutes and the applicant's view -------------------------------------------------------------
def meeting_for_decision(user: Any, tenant: Any, pk: Any) -> ReviewMeeting:
    """The meeting ``pk`` of ``tenant`` for its decision page, with the case, chair, rubric and decision (and its
    case manager) joined: Http404 unless ``user`` is office staff of ``tenant`` (``review.view_decisions``)."""
    qs = ReviewMeeting.objects.select_related(
        "case__applicant_org", "chair", "rubric", "decision__case_manager", "tenant"
    )
    return get_visible_or_404(qs, user, tenant, pk, view_perm="review.view_decisions")


def panel_of(meeting: ReviewMeeting) -> list[PanelInvitation]:
    """The meeting's invitations with the expert, their user and declaration (one query), lead first."""
    return list(
        PanelInvitation.objects.filter(meeting=meeting)
        .select_related("expert__user", "declaration")
        .order_by("-is_lead", "pk")
    )


def case_managers(tenant: Any) -> QuerySet:
    """Users with the case_manager role (個案管理師) in ``tenant``, by name (the supplier app narrows this later)."""
    return (
        get_user_model()
        .objects.filter(memberships__tenant=tenant, memberships__role=Role.CASE_MANAGER, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def tier_discount_table() -> list[TierDiscount]:
    """The current tenant's tier-discount entries, by tier then rating (best rating first)."""
    return list(TierDiscount.objects.order_by("value_creation_tier", "-local_linkage_rating"))


def applicant_view(user: Any, tenant: Any, case_pk: Any) -> dict[str, Any]:
    """What the applicant (or anyone who may see the case) is shown of the committee's work on case
    ``case_pk``: ``{"case", "meetings": [meeting], "show_names": bool}``; each meeting carries ``released``
    (its decision once the CTO released it, else None) and ``panel_names`` (the names of the experts who
    accepted, only when ``tenant.config.review_show_expert_names``; else []). Never scores. Http404 when the
    case is not visible to ``user`` (another tenant's, another organisation's). Three or four queries."""
    case = case_queries.get_case_for_user(user, tenant, case_pk)
    show_names = bool(tenant.config.review_show_expert_names)
    qs = (
        ReviewMeeting.objects.filter(case=case)
        .exclude(state=MeetingState.CANCELLED)
        .select_related("decision__case_manager")
        .order_by("scheduled_at", "pk")
    )
    if show_names:
        accepted = PanelInvitation.objects.filter(state=InvitationState.ACCEPTED).select_related("expert__user")
        qs = qs.prefetch_related(Prefetch("invitations", queryset=accepted, to_attr="accepted_seats"))
    meetings = list(qs)
    for meeting in meetings:
        decision = getattr(meeting, "decision", None)
        meeting.released = decision if decision is not None and decision.state == DecisionState.RELEASED else None
        meeting.panel_names = (
            [seat.expert.user.get_full_name() or seat.expert.user.get_username() for seat in meeting.accepted_seats]
            if show_names
            else []
        )
    return {"case": case, "meetings": meetings, "show_names": show_names}


def visible_decisions(user: Any, tenant: Any) -> QuerySet[ReviewDecision]:
    """Decisions ``user`` may list in ``tenant``: office staff all; others only the released decisions of the
    cases they may see (an applicant: their organisation's). Meeting, case and case manager joined."""
    qs = ReviewDecision.objects.select_related("meeting__case", "case_manager").order_by(
        "-meeting__scheduled_at", "-pk"
    )
    if can(user, "review.view_decisions", tenant):
        return qs
    cases = case_queries.visible_cases(user, tenant).values("pk")
    return qs.filter(state=DecisionState.RELEASED, meeting__case__in=cases)
