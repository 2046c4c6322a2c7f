"""Reads of the review committee, role-aware (the writes are in :mod:`review.services`).

Every function takes the user and/or the tenant (never the request) and runs in the tenant's scope. Sections:
expert pool, panels, declarations, expert visibility; the reviews overview, the CTO's final-review due dates and
the case page's due date; meetings and scores; decisions, minutes and the applicant's view.
Meetings: office staff see every meeting of the tenant (the CTO acts, the others read);
an expert sees the meetings where they hold an accepted seat (declared no conflict); the other roles' rules are
registered by the apps / parts that serve them (``meeting_visibility.rule``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.http import Http404
from django.utils import timezone

from cases import queries as case_queries
from cases.enums import CaseState
from cases.models import DemandCase
from cases.queries import case_visibility, visible_cases
from platform_site.enums import OFFICE_ROLES, Role
from platform_site.rules import can
from platform_site.tenancy import get_for_tenant_or_404
from platform_site.visibility import Visibility, every_row, get_visible_or_404
from review.conditions import panel_limits
from review.conflicts import conflicted_expert_ids
from review.enums import (
    OPEN_INVITATION_STATES,
    OPEN_MEETING_STATES,
    DecisionState,
    InvitationState,
    MeetingState,
    ReviewStage,
    ScoreVisibility,
)
from review.models import (
    CaseReview,
    Expert,
    ExpertAffiliation,
    PanelInvitation,
    ReviewDecision,
    ReviewMeeting,
    Score,
    TierDiscount,
)


# ---- expert pool, panels, declarations, expert visibility --------------------------------------------------------
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
    A registered subject whose panel takes core platform members only lists the experts flagged ``is_core``.
    Least loaded first, then by name. Three queries whatever the pool size."""
    from review.subjects import kind_of, ubn_of

    pool = expert_pool(meeting.tenant, search, active_only=True)
    kind = kind_of(meeting)
    if kind is not None and kind.core_members_only:
        pool = pool.filter(is_core=True)
    experts = list(pool)
    ubn = ubn_of(meeting)
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


# ---- reviews overview, final-review due dates --------------------------------------------------------------------
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
    the final review by due date (at most :data:`HOME_ROWS`, ``final_meeting_at`` annotated); the counts are
    window aggregates over all of them, so one query."""
    today = today or timezone.localdate()
    late = Case(When(final_review_due__lt=today, then=Value(1)), default=Value(0), output_field=IntegerField())
    files = list(
        final_reviews_due().annotate(total=Window(expression=Count("pk")), late=Window(expression=Sum(late)))[
            :HOME_ROWS
        ]
    )
    count, overdue = (files[0].total, files[0].late) if files else (0, 0)
    return {"files": files, "count": count, "overdue_count": overdue, "today": today}


def case_meetings(case: Any) -> list[ReviewMeeting]:
    """Every meeting of ``case``, stage then round (one query)."""
    return list(ReviewMeeting.objects.filter(case=case).order_by("-stage", "round", "pk"))


def case_review_file(case: Any) -> CaseReview | None:
    """The committee file of ``case`` (preliminary review end, final-review due date), or None. One query."""
    return CaseReview.objects.filter(case=case).first()


# ---- meetings and scores -----------------------------------------------------------------------------------------
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


def meeting_due(meeting: ReviewMeeting) -> Any:
    """The date by which ``meeting`` must be held: a case's final review (:func:`final_review_due`), a
    registered subject's own due date (:func:`review.subjects.due_of`; the supplier final review: two weeks
    after qualification), else None. At most one query."""
    from review.subjects import due_of, kind_of

    if kind_of(meeting) is not None:
        return due_of(meeting)
    return final_review_due(meeting.case) if meeting.stage == ReviewStage.FINAL else None


def held_after_due(meeting: ReviewMeeting, due: Any) -> bool:
    """Whether a final review is scheduled after its due date (the page flags it; seed 000: 初審結束後一個月內;
    a supplier's: two weeks after qualification)."""
    return bool(due) and meeting.stage != ReviewStage.PRELIMINARY and timezone.localdate(meeting.scheduled_at) > due


# ---- decisions, minutes and the applicant's view -----------------------------------------------------------------
def meeting_for_decision(user: Any, tenant: Any, pk: Any) -> ReviewMeeting:
    """The meeting ``pk`` of ``tenant`` for its decision page, with the case, chair, rubric and decision (and its
    case manager) joined: Http404 unless ``user`` is office staff of ``tenant`` (``review.view_decisions``)."""
    qs = ReviewMeeting.objects.select_related(
        "case__applicant_org", "chair", "rubric", "decision__case_manager", "tenant"
    )
    return get_visible_or_404(qs, user, tenant, pk, view_perm="review.view_decisions")


# panel_of(meeting): the one in the panels section above (same query, lead first).


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
