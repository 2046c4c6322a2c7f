"""The one place that changes the review committee's rows: every write checks its ``rules`` permission (or is a
setup step run by the platform) and appends to the activity log (:mod:`platform_site.activity`).

Sections: rubrics and the tier-discount table (setup); expert pool; meetings and panels; declarations and
invitations; scores; decisions and minutes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.services import committee_transition, notify_transition
from platform_site.activity import field_changes, history, log_event, snapshot
from platform_site.actors import SYSTEM
from platform_site.enums import ActivityAction, Role
from platform_site.models import ActivityLog, Membership
from platform_site.queueing import enqueue_on_commit
from platform_site.rules import can, roles_in
from platform_site.tenancy import require_tenant
from platform_site.transitions import TransitionRefused, run_transition, state_refusal
from platform_site.workflow import load_row
from review import subjects
from review import tasks as review_tasks
from review.conditions import panel_limits
from review.conflicts import DECLARATION_VERSION, DETAILS_REQUIRED, conflicted_expert_ids
from review.deadlines import final_review_due
from review.enums import (
    OPEN_INVITATION_STATES,
    OPEN_MEETING_STATES,
    STAGE_OUTCOMES,
    ConflictCategory,
    DecisionOutcome,
    DecisionState,
    ReviewStage,
)
from review.models import (
    CaseReview,
    ConflictDeclaration,
    Expert,
    ExpertAffiliation,
    PanelInvitation,
    ReviewDecision,
    ReviewMeeting,
    Rubric,
    RubricCriterion,
    RubricGroup,
    TierDiscount,
)
from review.rubric_presets import PRESETS, TSMP_TIER_DISCOUNTS


# ---- rubrics and the tier-discount table -------------------------------------------------------------------------
@transaction.atomic
def install_rubric(code: str, actor: Any, definition: dict[str, Any] | None = None) -> Rubric:
    """Install rubric ``code`` in the current tenant as its new current version and return it.

    ``definition`` has the shape of :data:`review.rubric_presets.PRESETS` entries (default: the preset of that
    code). The previous current version (if any) stays for the meetings that scored on it (``is_current`` off);
    the new one gets ``version`` + 1. Logs ``created`` on the rubric. Raises KeyError for an unknown preset.
    """
    spec = definition or PRESETS[code]
    previous = Rubric.objects.select_for_update().filter(code=code, is_current=True).first()
    version = 1
    if previous is not None:
        version = previous.version + 1
        Rubric.objects.filter(pk=previous.pk).update(is_current=False)
    rubric = Rubric.objects.create(
        code=code,
        version=version,
        name_zh=spec["name_zh"],
        name_en=spec["name_en"],
        source=spec.get("source", ""),
    )
    for g_pos, group_spec in enumerate(spec["groups"]):
        group = RubricGroup.objects.create(
            rubric=rubric,
            position=g_pos,
            label_zh=group_spec["label_zh"],
            label_en=group_spec["label_en"],
            weight_percent=Decimal(str(group_spec.get("weight", 0))),
        )
        for c_pos, item in enumerate(group_spec["criteria"]):
            RubricCriterion.objects.create(
                rubric=rubric,
                group=group,
                key=item["key"],
                position=c_pos,
                kind=item["kind"],
                label_zh=item["label_zh"],
                label_en=item["label_en"],
                help_zh=item.get("help_zh", ""),
                help_en=item.get("help_en", ""),
                min_value=item.get("min"),
                max_value=item.get("max"),
                justification_required=bool(item.get("justify")),
            )
    log_event(rubric, ActivityAction.CREATED, actor, data={"code": code, "version": version})
    return rubric


@transaction.atomic
def install_tier_discounts(actor: Any, table: dict[tuple[int, int], int] | None = None) -> list[TierDiscount]:
    """Set the current tenant's tier-discount table (default :data:`TSMP_TIER_DISCOUNTS`): one row per
    ``(value-creation tier, local-linkage rating) -> applicant's labour share %``; existing entries are updated.

    Every entry is validated (``full_clean``): a share above 50% raises ``ValidationError`` and nothing is saved.
    Each changed share is a money change: logged ``money_changed`` with before/after.
    """
    rows = []
    for (tier, rating), share in sorted((table or TSMP_TIER_DISCOUNTS).items()):
        row = TierDiscount.objects.filter(value_creation_tier=tier, local_linkage_rating=rating).first()
        before = row.labour_share_percent if row else None
        row = row or TierDiscount(value_creation_tier=tier, local_linkage_rating=rating)
        row.labour_share_percent = share
        row.full_clean(exclude=["tenant"])
        row.save()
        if before != share:
            data = {"field": "labour_share_percent", "before": before, "after": share}
            log_event(row, ActivityAction.MONEY_CHANGED, actor, data=data)
        rows.append(row)
    return rows


# ---- expert pool, panels, declarations and invitations -----------------------------------------------------------
#: Fields of the expert's profile (office pages and the self-edit page).
EXPERT_FIELDS = ("kind", "title", "expertise", "phone", "bio")
AFFILIATION_FIELDS = ("organisation_name", "ubn", "position", "start", "end")


def _may_edit_expert(actor: Any, expert: Expert) -> bool:
    """Office staff edit any pool entry; an expert edits their own."""
    return can(actor, "review.manage_experts", expert.tenant) or (
        expert.user_id == getattr(actor, "pk", None) and can(actor, "review.edit_own_profile", expert.tenant)
    )


def create_expert(
    actor: Any,
    tenant: Any,
    *,
    email: str,
    full_name: str,
    is_active: bool = True,
    is_core: bool = False,
    **profile: Any,
) -> Expert:
    """Add a person to ``tenant``'s expert pool (office staff): their account (login = ``email``, created with
    no password if new), an expert membership, and the :class:`Expert` row with ``profile`` (keys of
    :data:`EXPERT_FIELDS`). Logs ``created`` and queues the welcome email (a set-password link for an account
    without a password). ``is_core``: a core platform member (may sit on a supplier final review panel).
    Raises PermissionDenied; ValidationError({"email": …}) if already in this pool."""
    if not can(actor, "review.manage_experts", tenant):
        raise PermissionDenied
    email = email.strip().lower()
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model.objects.filter(username__iexact=email).first()
        new_account = user is None
        if new_account:
            user = user_model(username=email, email=email, first_name=full_name.strip())
            user.set_unusable_password()
            user.save()
        if Expert.objects.filter(user=user).exists():
            raise ValidationError({"email": [_("This person is already in the expert pool.")]})
        Membership.objects.get_or_create(tenant=tenant, user=user, role=Role.EXPERT, defaults={"organization": None})
        expert = Expert.objects.create(
            user=user, is_active=is_active, is_core=is_core, **{k: profile[k] for k in EXPERT_FIELDS if k in profile}
        )
        data = {
            "email": email,
            "new_account": new_account,
            **{k: profile.get(k) for k in EXPERT_FIELDS if k in profile},
        }
        entry = log_event(expert, ActivityAction.CREATED, actor, data=data)
        enqueue_on_commit(review_tasks.send_expert_welcome, tenant_id=tenant.pk, log_id=entry.pk)
    return expert


def update_expert(expert: Expert, actor: Any, data: dict[str, Any]) -> Expert:
    """Change the profile fields in ``data`` (:data:`EXPERT_FIELDS`, and ``is_active`` / ``is_core`` for office
    staff only);
    logs ``edited`` with the changes. Raises PermissionDenied unless office staff or the expert themselves."""
    if not _may_edit_expert(actor, expert):
        raise PermissionDenied
    fields = list(EXPERT_FIELDS)
    if can(actor, "review.manage_experts", expert.tenant):
        fields += ["is_active", "is_core"]
    with transaction.atomic():
        before = snapshot(expert, fields)
        for name in fields:
            if name in data:
                setattr(expert, name, data[name])
        changes = field_changes(before, snapshot(expert, fields))
        if changes:
            expert.save()
            log_event(expert, ActivityAction.EDITED, actor, data={"changes": changes})
    return expert


def add_affiliation(expert: Expert, actor: Any, data: dict[str, Any]) -> ExpertAffiliation:
    """Record an affiliation (organisation, 統一編號, position, from–to) of ``expert``; validated (a bad 統一編號
    or an end before the start raise ValidationError); logs ``edited`` on the expert."""
    if not _may_edit_expert(actor, expert):
        raise PermissionDenied
    with transaction.atomic():
        row = ExpertAffiliation(
            expert=expert, **{k: data.get(k) or ("" if k != "end" else None) for k in AFFILIATION_FIELDS}
        )
        row.full_clean(exclude=["tenant"])
        row.save()
        added = {k: str(getattr(row, k) or "") for k in AFFILIATION_FIELDS}
        log_event(expert, ActivityAction.EDITED, actor, data={"affiliation_added": added})
    return row


def remove_affiliation(affiliation: ExpertAffiliation, actor: Any) -> None:
    """Delete an affiliation entered by mistake (logged on the expert with what it said)."""
    expert = affiliation.expert
    if not _may_edit_expert(actor, expert):
        raise PermissionDenied
    with transaction.atomic():
        removed = {k: str(getattr(affiliation, k) or "") for k in AFFILIATION_FIELDS}
        affiliation.delete()
        log_event(expert, ActivityAction.EDITED, actor, data={"affiliation_removed": removed})


def _refuse_unless_open(meeting: ReviewMeeting) -> None:
    if meeting.state not in OPEN_MEETING_STATES:
        raise TransitionRefused(gettext("This meeting has closed or was cancelled."), code="meeting_closed")


def invite_expert(
    meeting: ReviewMeeting, expert: Expert, actor: Any, *, is_lead: bool = False, override_reason: str = ""
) -> PanelInvitation:
    """The CTO invites ``expert`` to ``meeting``'s panel; returns the invitation (state ``invited``).

    In one transaction with the meeting row locked: refuses (TransitionRefused, 409) a closed meeting
    (``meeting_closed``), an inactive expert (``expert_inactive``), a second seat (``already_invited``), a
    full panel — invited + accepted at the stage's maximum, tenant settings ``review_*_panel_max``
    (``panel_full``) —, a lead in a preliminary review (``lead_preliminary``: the CTO chairs as 主審) or a
    second lead in a final (``lead_taken``), and an expert flagged by the automatic conflict check
    (:func:`review.conflicts.conflicted_expert_ids`) without an override reason (``conflict_flagged``). Logs
    ``expert_invited`` (and ``conflict_overridden`` with the reason and the matching affiliations), queues the
    invitation email. Raises PermissionDenied unless ``review.manage_panel``."""
    if not can(actor, "review.manage_panel", meeting):
        raise PermissionDenied
    override_reason = (override_reason or "").strip()
    with transaction.atomic():
        meeting = (
            ReviewMeeting.objects.select_for_update(of=("self",))
            .select_related("case__applicant_org")
            .get(pk=meeting.pk)
        )
        _refuse_unless_open(meeting)
        if not expert.is_active:
            raise TransitionRefused(gettext("This expert is not active in the pool."), code="expert_inactive")
        seats = PanelInvitation.objects.filter(meeting=meeting)
        if seats.filter(expert=expert).exists():
            raise TransitionRefused(
                gettext("This expert has been invited to this meeting already."), code="already_invited"
            )
        low, high = panel_limits(meeting)
        active = seats.filter(state__in=sorted(OPEN_INVITATION_STATES))
        if active.count() >= high:
            message = gettext("The panel is full: at most %(max)s experts may be invited or accepted.") % {"max": high}
            raise TransitionRefused(message, code="panel_full", max=high)
        if is_lead:
            if meeting.stage != ReviewStage.FINAL:
                message = gettext("Only a final review has an expert lead reviewer; the CTO chairs the preliminary.")
                raise TransitionRefused(message, code="lead_preliminary")
            if active.filter(is_lead=True).exists():
                message = gettext("This final review has a lead reviewer already: withdraw or change it first.")
                raise TransitionRefused(message, code="lead_taken")
        kind = subjects.kind_of(meeting)
        if kind is not None and kind.core_members_only and not expert.is_core:
            message = gettext("Only core platform members sit on a %(stage)s panel.") % {
                "stage": meeting.get_stage_display()
            }
            raise TransitionRefused(message, code="not_core_member")
        ubn = subjects.ubn_of(meeting)
        years = meeting.tenant.config.review_conflict_lookback_years
        conflicts = conflicted_expert_ids([expert.pk], ubn, years).get(expert.pk, [])
        if conflicts and not override_reason:
            message = gettext(
                "%(name)s had an affiliation with the applicant (統一編號 %(ubn)s) within the last %(years)s years "
                "(%(orgs)s). Give a reason to invite them anyway."
            ) % {"name": expert, "ubn": ubn, "years": years, "orgs": "、".join(conflicts)}
            raise TransitionRefused(message, code="conflict_flagged", organisations=conflicts)
        invitation = PanelInvitation.objects.create(
            meeting=meeting,
            expert=expert,
            is_lead=is_lead,
            conflict_flagged=bool(conflicts),
            override_reason=override_reason if conflicts else "",
            invited_by=actor,
        )
        if conflicts:
            data = {"expert_id": expert.pk, "ubn": ubn, "organisations": conflicts, "reason": override_reason}
            log_event(invitation, ActivityAction.CONFLICT_OVERRIDDEN, actor, data=data, comment=override_reason)
        data = {
            "expert_id": expert.pk,
            "meeting_id": meeting.pk,
            "is_lead": is_lead,
            "conflict_flagged": bool(conflicts),
        }
        entry = log_event(invitation, ActivityAction.EXPERT_INVITED, actor, data=data)
        enqueue_on_commit(review_tasks.send_invitation_email, tenant_id=meeting.tenant_id, log_id=entry.pk)
    return invitation


def designate_lead(invitation: PanelInvitation, actor: Any) -> PanelInvitation:
    """Make ``invitation`` (invited or accepted, in a final review) the one lead reviewer (主審); the previous
    lead, if any, stops being lead. Logged ``lead_designated``. 409 for a preliminary review, a closed
    meeting or a seat that is not invited / accepted; PermissionDenied unless ``review.manage_panel``."""
    meeting = invitation.meeting
    if not can(actor, "review.manage_panel", meeting):
        raise PermissionDenied
    with transaction.atomic():
        meeting = ReviewMeeting.objects.select_for_update().get(pk=meeting.pk)
        _refuse_unless_open(meeting)
        if meeting.stage != ReviewStage.FINAL:
            message = gettext("Only a final review has an expert lead reviewer; the CTO chairs the preliminary.")
            raise TransitionRefused(message, code="lead_preliminary")
        fresh = PanelInvitation.objects.get(pk=invitation.pk)
        if fresh.state not in OPEN_INVITATION_STATES:
            raise TransitionRefused(
                gettext("Only an invited or accepted expert can be the lead reviewer."), code="lead_state"
            )
        previous = list(
            PanelInvitation.objects.filter(meeting=meeting, is_lead=True)
            .exclude(pk=fresh.pk)
            .values_list("pk", flat=True)
        )
        PanelInvitation.objects.filter(pk__in=previous).update(is_lead=False)
        PanelInvitation.objects.filter(pk=fresh.pk).update(is_lead=True)
        invitation.is_lead = True
        log_event(invitation, ActivityAction.LEAD_DESIGNATED, actor, data={"previous_lead_ids": previous})
    return invitation


def withdraw_invitation(invitation: PanelInvitation, actor: Any, comment: str = "") -> ActivityLog:
    """The CTO takes an invitation back (``withdraw``; the seat no longer counts, a lead stops being lead)."""
    return run_transition(invitation, "withdraw", actor, comment=comment)


def declare_conflicts(
    invitation: PanelInvitation,
    actor: Any,
    *,
    has_conflict: bool,
    categories: list[str] | None = None,
    details: str = "",
    text_version: str = DECLARATION_VERSION,
) -> ConflictDeclaration:
    """The invited expert's conflict-of-interest declaration (利益迴避, 行政程序法 §32), written once.

    ``categories`` are :class:`review.enums.ConflictCategory` codes (required when ``has_conflict``, empty
    otherwise; ``other`` needs ``details``); ``text_version`` is the version of the text the expert read and
    must be the current :data:`review.conflicts.DECLARATION_VERSION` (else 409 ``declaration_outdated``). A
    declared conflict recuses the expert in the same transaction (``recuse``) and queues the CTO's notice to
    find a replacement. Logs ``conflict_declared``. Raises PermissionDenied unless the invitee;
    TransitionRefused for a closed meeting, a seat no longer invited/accepted or a second declaration;
    ValidationError for bad categories."""
    if not can(actor, "review.respond_invitation", invitation):
        raise PermissionDenied
    categories = list(dict.fromkeys(categories or []))
    unknown = [c for c in categories if c not in ConflictCategory.values]
    if unknown:
        raise ValidationError({"categories": [_("Unknown ground: %(codes)s.") % {"codes": ", ".join(unknown)}]})
    if has_conflict and not categories:
        raise ValidationError({"categories": [_("Choose at least one ground for the conflict of interest.")]})
    if not has_conflict and categories:
        raise ValidationError({"categories": [_("Grounds are given only when you declare a conflict.")]})
    if set(categories) & DETAILS_REQUIRED and not details.strip():
        raise ValidationError({"details": [_("Describe the other relationship.")]})
    if text_version != DECLARATION_VERSION:
        message = gettext(
            "The declaration text has changed since you opened it: read the current text and declare again."
        )
        raise TransitionRefused(message, code="declaration_outdated", current_version=DECLARATION_VERSION)
    with transaction.atomic():
        fresh = PanelInvitation.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=invitation.pk)
        _refuse_unless_open(fresh.meeting)
        if ConflictDeclaration.objects.filter(invitation=fresh).exists():
            raise TransitionRefused(gettext("You have declared for this invitation already."), code="already_declared")
        if fresh.state not in OPEN_INVITATION_STATES:
            raise state_refusal(fresh, "accept")
        declaration = ConflictDeclaration.objects.create(
            invitation=invitation,
            has_conflict=has_conflict,
            categories=categories,
            details=details.strip(),
            text_version=text_version,
        )
        invitation.declaration = declaration
        data = {"has_conflict": has_conflict, "categories": categories, "text_version": text_version}
        log_event(invitation, ActivityAction.CONFLICT_DECLARED, actor, data=data, comment=details.strip())
        if has_conflict:
            entry = run_transition(invitation, "recuse", actor, comment=details.strip())
            enqueue_on_commit(review_tasks.send_recusal_notice, tenant_id=invitation.tenant_id, log_id=entry.pk)
    return declaration


def accept_invitation(invitation: PanelInvitation, actor: Any, comment: str = "") -> ActivityLog:
    """The expert accepts (409 ``declaration_missing`` before declaring no conflict, ``meeting_closed``)."""
    return run_transition(invitation, "accept", actor, comment=comment)


def decline_invitation(invitation: PanelInvitation, actor: Any, comment: str = "") -> ActivityLog:
    """The expert declines (no declaration needed); the CTO's notice lists panels that need a replacement."""
    with transaction.atomic():
        entry = run_transition(invitation, "decline", actor, comment=comment)
        enqueue_on_commit(review_tasks.send_recusal_notice, tenant_id=invitation.tenant_id, log_id=entry.pk)
    return entry


# ---- meetings and scores: scheduling, open / cancel, attendance, scoring are in review.services.meetings (the
# ---- writes of one topic, kept apart so no module grows past ~500 lines).
# ---- decisions and minutes ---------------------------------------------------------------------------------------
#: (stage, outcome) -> the case's own transition the closing meeting runs (另一輪初審 moves nothing).
CASE_TRANSITIONS = {
    (ReviewStage.PRELIMINARY, DecisionOutcome.PASS_TO_FINAL): "pass_preliminary",
    (ReviewStage.PRELIMINARY, DecisionOutcome.REJECT): "fail_preliminary",
    (ReviewStage.FINAL, DecisionOutcome.PASS): "pass_final",
    (ReviewStage.FINAL, DecisionOutcome.REJECT): "fail_final",
}
#: The fields :func:`close_with_decision` takes (the decision form / API body).
DECISION_FIELDS = (
    "outcome",
    "reasons",
    "minutes",
    "applicant_comments",
    "value_creation_tier",
    "local_linkage_rating",
    "case_manager",
)


def labour_share_for(tier: int | None, rating: int | None) -> int | None:
    """The applicant's share of platform labour (%) in the current tenant's tier-discount table for a
    value-creation ``tier`` and local-linkage ``rating``; None when the table has no such entry."""
    if tier is None or rating is None:
        return None
    return (
        TierDiscount.objects.filter(value_creation_tier=tier, local_linkage_rating=rating)
        .values_list("labour_share_percent", flat=True)
        .first()
    )


def is_case_manager(user: Any, tenant: Any) -> bool:
    """``user`` holds the case_manager role (個案管理師, supply side) in ``tenant``."""
    return user is not None and Role.CASE_MANAGER in roles_in(user, tenant)


def _decision_values(meeting: ReviewMeeting, values: dict[str, Any]) -> dict[str, Any]:
    """Check ``values`` against the stage and the tenant's table; the decision's column values. Raises
    TransitionRefused (409) with a translated message."""
    unknown = set(values) - set(DECISION_FIELDS)
    if unknown:
        raise ValueError(f"not decision fields: {sorted(unknown)}")
    outcome = values.get("outcome") or ""
    if outcome not in STAGE_OUTCOMES[meeting.stage]:
        raise TransitionRefused(
            gettext("This decision is not possible in a %(stage)s.") % {"stage": meeting.get_stage_display()},
            code="outcome_not_allowed",
        )
    row = {name: values.get(name) or "" for name in ("outcome", "reasons", "minutes", "applicant_comments")}
    row.update(value_creation_tier=None, local_linkage_rating=None, labour_share_percent=None, case_manager=None)
    if outcome != DecisionOutcome.PASS or meeting.stage != ReviewStage.FINAL:
        return row
    tier, rating, manager = (
        values.get("value_creation_tier"),
        values.get("local_linkage_rating"),
        values.get("case_manager"),
    )
    share = labour_share_for(tier, rating)
    if tier is not None and rating is not None and share is None:
        raise TransitionRefused(
            gettext(
                "The tier-discount table has no entry for value-creation tier %(tier)s and local-linkage rating "
                "%(rating)s: add it to the table first."
            )
            % {"tier": tier, "rating": rating},
            code="no_tier_discount",
        )
    if manager is not None and not is_case_manager(manager, meeting.tenant):
        raise TransitionRefused(
            gettext("%(name)s is not a case manager of this office.") % {"name": manager.get_full_name() or manager},
            code="not_a_case_manager",
        )
    row.update(value_creation_tier=tier, local_linkage_rating=rating, labour_share_percent=share, case_manager=manager)
    return row


def close_with_decision(meeting: ReviewMeeting, user: Any, **values: Any) -> ReviewDecision:
    """Record the committee's consensus decision (共識決) on ``meeting``, close the meeting and move the case,
    all in ONE database transaction; return the recorded decision.

    A meeting about a registered subject (:mod:`review.subjects`, e.g. the supplier final review) calls its
    kind's ``decide(meeting, decision, user)`` instead of moving a case, in the same transaction.

    ``values`` (see :data:`DECISION_FIELDS`): ``outcome`` (a :class:`DecisionOutcome` the stage allows),
    ``reasons``, ``minutes``, ``applicant_comments`` (str); for a final pass ``value_creation_tier`` (1-3),
    ``local_linkage_rating`` (int) and ``case_manager`` (a user with the case_manager role) — the applicant's
    labour share (%) is read from the tenant's :class:`TierDiscount` table, never typed. The case moves by its
    own transition (:data:`CASE_TRANSITIONS`): pass to final → ``pass_preliminary`` and the committee file gets
    the day the preliminary review ended (Asia/Taipei) and the final-review due date
    (:func:`review.deadlines.final_review_due`, ``review_final_within_months``); another round → the case
    stays; reject → ``fail_preliminary`` / ``fail_final``; final pass → ``pass_final``. The minutes PDF is
    queued on commit (:func:`review.tasks.render_minutes`); the applicant's email waits for the release.

    Raises PermissionDenied (not the CTO), TransitionRefused (HTTP 409; nothing saved): the meeting is no longer
    open (closed or cancelled meanwhile, e.g. by another tab — the row lock serialises two closes, the second
    is refused), the decision was already recorded, an unmet condition of the meeting's ``close`` (panel size,
    one lead in a final, in-person attendance for a final pass, tier / rating / case manager missing), no
    table entry for the tier and rating, a case manager without the role, or the case moved on.
    """
    from review import tasks  # noqa: PLC0415  (tasks imports this module)

    if not can(user, "review.decide", meeting):
        raise PermissionDenied
    try:
        with transaction.atomic():
            locked = ReviewMeeting.objects.select_for_update(of=("self",)).select_related("case").get(pk=meeting.pk)
            if locked.state not in OPEN_MEETING_STATES:
                raise state_refusal(locked, "close")
            row = _decision_values(locked, values)
            decision = ReviewDecision.objects.select_for_update().filter(meeting=locked).first()
            if decision is not None and decision.state != DecisionState.DRAFT:
                raise state_refusal(decision, "record")
            decision = decision or ReviewDecision(meeting=locked)
            for name, value in row.items():
                setattr(decision, name, value)
            decision.save()
            locked.decision = decision
            run_transition(locked, "close", user, comment=row["reasons"])
            run_transition(decision, "record", user)
            name = CASE_TRANSITIONS.get((locked.stage, decision.outcome))
            kind = subjects.kind_of(locked)
            if kind is not None:  # another app's subject (the supplier final review) moves by its own service
                kind.decide(locked, decision, user)
            elif name:
                committee_transition(locked.case, name, user, notify=False)
            if name == "pass_preliminary":
                _start_final_clock(locked)
            enqueue_on_commit(tasks.render_minutes, tenant_id=decision.tenant_id, decision_id=decision.pk)
    except IntegrityError as exc:  # a concurrent writer got there first (unique decision per meeting)
        raise TransitionRefused(
            gettext("Someone else changed this at the same moment. Reload the page and try again."), code="concurrent"
        ) from exc
    load_row(meeting, locked)
    return decision


def _start_final_clock(meeting: ReviewMeeting) -> CaseReview:
    ended = timezone.localdate(meeting.closed_at)
    due = final_review_due(ended, meeting.tenant.config.review_final_within_months)
    file, _created = CaseReview.objects.select_for_update().get_or_create(case=meeting.case)
    file.preliminary_ended_on, file.final_review_due = ended, due
    file.save()
    log_event(file, ActivityAction.EDITED, SYSTEM, data={"preliminary_ended_on": ended, "final_review_due": due})
    return file


def release_decision(decision: ReviewDecision, user: Any) -> ActivityLog:
    """The CTO releases a recorded decision to the applicant (they then see the outcome and the committee's
    comments, never individual scores); the applicant's email about the case's move is queued on commit.
    Raises PermissionDenied, TransitionRefused (409: not recorded yet, or already released)."""
    with transaction.atomic():
        log = run_transition(decision, "release", user)
        name = CASE_TRANSITIONS.get((decision.meeting.stage, decision.outcome))
        if name:
            case_log = history(decision.meeting.case).filter(action=name).last()
            if case_log is not None:
                notify_transition(case_log)
    return log


def update_tier_discounts(user: Any, table: dict[tuple[int, int], int]) -> list[TierDiscount]:
    """The tier-discount table page / API: CTO or tenant admin (``review.edit_tier_discounts``) sets entries
    ``{(tier, rating): share %}`` of the current tenant (:func:`install_tier_discounts`: each change logged as a
    money change; a share above 50% raises ValidationError and nothing is saved). Raises PermissionDenied."""
    if not can(user, "review.edit_tier_discounts", require_tenant()):
        raise PermissionDenied
    return install_tier_discounts(user, table)
