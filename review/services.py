"""The one place that changes the review committee's rows: every write checks its ``rules`` permission (or is a
setup step run by the platform) and appends to the activity log (:mod:`platform_site.activity`).

Sections: rubrics and the tier-discount table (setup); expert pool; meetings and panels; declarations and
invitations; scores; decisions and minutes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from cases.services import committee_transition, notify_transition
from platform_site.activity import history, log_event
from platform_site.actors import SYSTEM
from platform_site.enums import ActivityAction, Role
from platform_site.models import ActivityLog
from platform_site.queueing import enqueue_on_commit
from platform_site.rules import can, roles_in
from platform_site.tenancy import require_tenant
from platform_site.transitions import TransitionRefused, run_transition, state_refusal
from platform_site.workflow import load_row
from review.deadlines import final_review_due
from review.enums import OPEN_MEETING_STATES, STAGE_OUTCOMES, DecisionOutcome, DecisionState, ReviewStage
from review.models import CaseReview, ReviewDecision, ReviewMeeting, Rubric, RubricCriterion, RubricGroup, TierDiscount
from review.rubric_presets import PRESETS, TSMP_TIER_DISCOUNTS


# ---- rubrics and the tier-discount table ----------------------------------------------------------------------
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


# ---- decisions and minutes ------------------------------------------------------------------------------------
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
    if outcome != DecisionOutcome.PASS:
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
            locked = ReviewMeeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
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
            if name:
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
