"""Reads of the review committee, role-aware (the writes are in :mod:`review.services`).

Every function takes the user and/or the tenant (never the request) and runs in the tenant's scope.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cases.queries import case_visibility
from platform_site.enums import OFFICE_ROLES, Role
from platform_site.rules import can
from platform_site.tenancy import get_for_tenant_or_404
from platform_site.visibility import Visibility, every_row, get_visible_or_404
from review.conditions import panel_limits
from review.conflicts import conflicted_expert_ids
from review.enums import OPEN_INVITATION_STATES, OPEN_MEETING_STATES, InvitationState, MeetingState
from review.models import Expert, ExpertAffiliation, PanelInvitation, ReviewMeeting


# ---- expert pool, panels, declarations, expert visibility (rvpanel) -----------------------------------------
def cleared_invitations(user: Any) -> QuerySet[PanelInvitation]:
    """The current tenant's invitations of ``user`` that let them see the case: invited or accepted, with a
    declaration of *no* conflict of interest (利益迴避), on a meeting not cancelled (a closed meeting's panel
    keeps the file it reviewed). Undeclared, declined, recused or withdrawn: none."""
    return PanelInvitation.objects.filter(
        expert__user_id=user.pk, state__in=sorted(OPEN_INVITATION_STATES), declaration__has_conflict=False
    ).exclude(meeting__state=MeetingState.CANCELLED)


@case_visibility.rule(Role.EXPERT)
def _cleared_expert_cases(user: Any, tenant: Any) -> Q:
    """An expert: the cases of the meetings they are invited to and declared no conflict on (this tenant)."""
    return Q(Exists(cleared_invitations(user).filter(meeting__case_id=OuterRef("pk"))))


def _open_load() -> Count:
    """Per expert: invitations invited / accepted on meetings still scheduled or in session."""
    return Count(
        "invitations",
        filter=Q(
            invitations__state__in=sorted(OPEN_INVITATION_STATES),
            invitations__meeting__state__in=sorted(OPEN_MEETING_STATES),
        ),
        distinct=True,
    )


#: Longest search text used on the pool page (longer input is cut, never an error).
SEARCH_MAX_LENGTH = 100


def expert_pool(tenant: Any, search: str = "", *, active_only: bool = False) -> QuerySet[Expert]:
    """The tenant's experts with ``user`` joined and ``load`` (open invitations) annotated, by name.

    ``search`` (cut to :data:`SEARCH_MAX_LENGTH`) matches name, email, title or expertise. One query.
    """
    qs = Expert.objects.select_related("user").annotate(load=_open_load())
    if active_only:
        qs = qs.filter(is_active=True)
    search = (search or "").strip()[:SEARCH_MAX_LENGTH]
    if search:
        qs = qs.filter(
            Q(user__first_name__icontains=search)
            | Q(user__last_name__icontains=search)
            | Q(user__email__icontains=search)
            | Q(title__icontains=search)
            | Q(expertise__icontains=search)
        )
    return qs.order_by("user__last_name", "user__first_name", "pk")


def get_expert_for_user(user: Any, tenant: Any, pk: Any, perm: str = "review.manage_experts") -> Expert:
    """Expert ``pk`` of ``tenant`` for the pool pages: 404 for a non-office user or a malformed / unknown id."""
    if not can(user, "review.view_expert_pool", tenant):
        raise Http404
    expert = get_for_tenant_or_404(Expert.objects.select_related("user"), pk=pk)
    if not can(user, perm, tenant):
        raise Http404
    return expert


def own_expert(user: Any, tenant: Any, *, required: bool = True) -> Expert | None:
    """The user's own pool entry in ``tenant`` (the self-edit profile). 404 unless they hold the expert role;
    with the role but no pool entry yet: 404 if ``required``, else None (the profile page says so)."""
    if not can(user, "review.edit_own_profile", tenant):
        raise Http404
    expert = Expert.objects.select_related("user").filter(user_id=user.pk).first()
    if expert is None and required:
        raise Http404
    return expert


def affiliations_of(expert: Expert) -> list[ExpertAffiliation]:
    """The expert's affiliations, newest first (one query)."""
    return list(ExpertAffiliation.objects.filter(expert=expert).order_by("-start", "pk"))


def get_panel_meeting(user: Any, tenant: Any, pk: Any) -> ReviewMeeting:
    """Meeting ``pk`` with its case and applicant organisation, for the panel page: 404 unless ``user`` may
    manage panels (the CTO) — the meeting's existence is not revealed to anyone else."""
    meeting = get_for_tenant_or_404(
        ReviewMeeting.objects.select_related("case__applicant_org", "chair", "tenant"), pk=pk
    )
    if not can(user, "review.manage_panel", meeting):
        raise Http404
    return meeting


def panel_of(meeting: ReviewMeeting) -> list[PanelInvitation]:
    """The meeting's invitations (every state), lead first, with expert, user and declaration joined."""
    return list(
        PanelInvitation.objects.filter(meeting=meeting)
        .select_related("expert__user", "declaration")
        .order_by("-is_lead", "created_at", "pk")
    )


def recusals(meeting: ReviewMeeting) -> list[PanelInvitation]:
    """The meeting's recused experts (利益迴避) with user and declaration joined, for the minutes: each
    ``inv.expert`` (str: the name) and ``inv.declaration.category_labels()`` / ``.details``. One query."""
    return list(
        PanelInvitation.objects.filter(meeting=meeting, state=InvitationState.RECUSED)
        .select_related("expert__user", "declaration")
        .order_by("responded_at", "pk")
    )


def seat_counts(meeting: ReviewMeeting, panel: list[PanelInvitation]) -> dict[str, int]:
    """``{"active", "accepted", "min", "max"}``: invitations invited+accepted, accepted, and the stage's limits."""
    low, high = panel_limits(meeting)
    active = sum(1 for inv in panel if inv.state in OPEN_INVITATION_STATES)
    accepted = sum(1 for inv in panel if inv.state == InvitationState.ACCEPTED)
    return {"active": active, "accepted": accepted, "min": low, "max": high}


def picker(meeting: ReviewMeeting, search: str = "") -> list[Expert]:
    """The invitation picker: the tenant's active experts, each with ``load`` (open invitations), ``conflicts``
    (organisation names of affiliations with the applicant's 統一編號 within the tenant's look-back window,
    :func:`review.conflicts.conflicted_expert_ids`) and ``invitation`` (their seat on this meeting, or None).
    Least loaded first, then by name. Three queries whatever the pool size."""
    experts = list(expert_pool(meeting.tenant, search, active_only=True))
    ubn = meeting.case.applicant_org.ubn if meeting.case.applicant_org_id else ""
    years = meeting.tenant.config.review_conflict_lookback_years
    flagged = conflicted_expert_ids([e.pk for e in experts], ubn, years)
    seats = {inv.expert_id: inv for inv in PanelInvitation.objects.filter(meeting=meeting, expert__in=experts)}
    for expert in experts:
        expert.conflicts = flagged.get(expert.pk, [])
        expert.invitation = seats.get(expert.pk)
    experts.sort(key=lambda e: (e.load, str(e)))
    return experts


invitation_visibility = Visibility(
    "review.PanelInvitation",
    rules={role: every_row for role in OFFICE_ROLES},
    pending=(Role.SUPPLIER, Role.CASE_MANAGER, Role.FINANCE, Role.APPLICANT),
)


@invitation_visibility.rule(Role.EXPERT)
def _own_invitations(user: Any, tenant: Any) -> Q:
    """An expert: their own invitations in this tenant."""
    return Q(expert__user_id=user.pk)


def visible_invitations(user: Any, tenant: Any) -> QuerySet[PanelInvitation]:
    """Invitations ``user`` may list in ``tenant`` (office staff: all; an expert: theirs), newest first, with
    meeting, case, expert and declaration joined."""
    qs = PanelInvitation.objects.select_related("meeting__case", "expert__user", "declaration")
    return invitation_visibility.apply(qs, user, tenant).order_by("-created_at", "-pk")


def get_invitation_for_user(user: Any, tenant: Any, pk: Any, perm: str = "review.view_invitation") -> PanelInvitation:
    """Invitation ``pk``: 404 unless visible to ``user`` (another tenant's, another expert's, malformed id);
    403 if visible but ``perm`` is denied."""
    qs = visible_invitations(user, tenant).select_related("meeting__case__applicant_org", "meeting__chair")
    return get_visible_or_404(qs, user, tenant, pk, view_perm="review.view_invitation", perm=perm)


#: Rows on each home panel.
HOME_ROWS = 10


def expert_home(user: Any, tenant: Any) -> dict[str, Any]:
    """The expert's home panel: ``{"invitations": [inv], "count": int}`` — their invitations invited or
    accepted on meetings still open, soonest meeting first (at most :data:`HOME_ROWS`), each with meeting,
    case title and declaration joined. Two queries."""
    qs = (
        PanelInvitation.objects.filter(
            expert__user_id=user.pk,
            state__in=sorted(OPEN_INVITATION_STATES),
            meeting__state__in=sorted(OPEN_MEETING_STATES),
        )
        .select_related("meeting__case", "declaration")
        .order_by("meeting__scheduled_at", "pk")
    )
    return {"invitations": list(qs[:HOME_ROWS]), "count": qs.count()}


def replacements_needed(tenant: Any) -> dict[str, Any]:
    """The CTO's notice: open meetings with a recused (利益迴避) or declined expert whose panel (invited +
    accepted) is below the stage's minimum — the CTO must invite a replacement.

    ``{"meetings": [meeting]}`` each with ``case`` joined and ``recused`` / ``declined`` / ``active`` counts
    and ``panel_min``; soonest first, at most :data:`HOME_ROWS`. Two queries."""
    open_states = sorted(OPEN_INVITATION_STATES)
    left = PanelInvitation.objects.filter(
        meeting_id=OuterRef("pk"), state__in=[InvitationState.RECUSED, InvitationState.DECLINED]
    )
    meetings = (
        ReviewMeeting.objects.filter(state__in=sorted(OPEN_MEETING_STATES))
        .filter(Exists(left))
        .select_related("case")
        .annotate(
            recused=Count("invitations", filter=Q(invitations__state=InvitationState.RECUSED), distinct=True),
            declined=Count("invitations", filter=Q(invitations__state=InvitationState.DECLINED), distinct=True),
            active=Count("invitations", filter=Q(invitations__state__in=open_states), distinct=True),
        )
        .order_by("scheduled_at", "pk")
    )
    rows = []
    for meeting in meetings[: HOME_ROWS * 5]:
        meeting.tenant = tenant
        meeting.panel_min = panel_limits(meeting)[0]
        if meeting.active < meeting.panel_min:
            rows.append(meeting)
    return {"meetings": rows[:HOME_ROWS]}
