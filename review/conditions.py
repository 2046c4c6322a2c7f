"""Transition permissions and conditions of the review machines (named in :mod:`review.models`' decorators).

Each condition carries its translated refusal (platform_site.workflow.condition), so
:func:`platform_site.transitions.run_transition` answers an unmet one with a 409 that says what is missing.
Panel sizes are tenant settings (``review_preliminary_panel_min`` … ``review_final_panel_max``) with the
seed's values as defaults: seed 000_9617a3b789ca4d20.txt — 初審 "邀請專家3~5人", 複審 "邀請產學研專家5~7人，
並指定一位擔任主審".
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from platform_site.workflow import condition, rule_permission
from review.enums import (
    OPEN_MEETING_STATES,
    STAGE_OUTCOMES,
    ApplicantAttendance,
    DecisionOutcome,
    InvitationState,
    ReviewStage,
)

#: Meeting transitions (open / close / cancel): the CTO (rules ``review.chair_meeting``).
CHAIR = rule_permission("review.chair_meeting")
#: Invitation withdrawal: the CTO (``review.manage_panel``, checked with the invitation).
CHAIR_OF_MEETING = rule_permission("review.manage_panel")
#: Accept / decline / recuse: the invited expert only (``review.respond_invitation``).
INVITEE = rule_permission("review.respond_invitation")
#: Decision record / release: the CTO (``review.decide``, checked with the decision).
CHAIR_OF_DECISION = rule_permission("review.decide")


def panel_limits(meeting: Any) -> tuple[int, int]:
    """``(min, max)`` experts on ``meeting``'s panel from its tenant's settings (seed 000: 3-5 / 5-7), or the
    registered subject's limits (:mod:`review.subjects`; the supplier final review: 3-5 core members)."""
    from review.subjects import kind_of

    kind = kind_of(meeting)
    if kind is not None:
        return kind.panel_limits(meeting.tenant)
    config = meeting.tenant.config
    if meeting.stage == ReviewStage.FINAL:
        return config.review_final_panel_min, config.review_final_panel_max
    return config.review_preliminary_panel_min, config.review_preliminary_panel_max


def accepted_count(meeting: Any) -> int:
    """Experts who accepted a seat (declared no conflict) on ``meeting``."""
    return meeting.invitations.filter(state=InvitationState.ACCEPTED).count()


def _panel_message(meeting: Any) -> str:
    low, high = panel_limits(meeting)
    return gettext(
        "The panel must have %(min)s to %(max)s experts who accepted; it has %(count)s. Invite a replacement "
        "for any expert who declined or recused."
    ) % {"min": low, "max": high, "count": accepted_count(meeting)}


@condition(message=_panel_message, code="panel_size")
def panel_within_limits(meeting: Any) -> bool:
    """Accepted experts within the stage's limits."""
    low, high = panel_limits(meeting)
    return low <= accepted_count(meeting) <= high


@condition(
    message=lambda meeting: gettext("A final review needs exactly one lead reviewer among the experts who accepted."),
    code="lead_reviewer",
)
def has_one_lead_if_final(meeting: Any) -> bool:
    """Final review: exactly one accepted invitation is the lead reviewer (主審). Preliminary: the CTO chairs
    as lead reviewer (技術長擔任主審), no expert lead."""
    if meeting.stage != ReviewStage.FINAL:
        return True
    return meeting.invitations.filter(state=InvitationState.ACCEPTED, is_lead=True).count() == 1


def _decision_message(meeting: Any) -> str:
    decision = getattr(meeting, "decision", None)
    if decision is None or decision.outcome not in STAGE_OUTCOMES[meeting.stage]:
        return gettext("Record the committee's consensus decision before closing the meeting.")
    if (
        meeting.stage == ReviewStage.FINAL
        and decision.outcome == DecisionOutcome.PASS
        and meeting.applicant_attendance != ApplicantAttendance.IN_PERSON
    ):
        return gettext("A final review can pass only when the applicant attended in person: record the attendance.")
    return gettext(
        "A final pass needs the value-creation tier, the local-linkage rating, the tier discount and the case manager."
    )


@condition(message=_decision_message, code="decision_incomplete")
def decision_ready(meeting: Any) -> bool:
    """A decision with an outcome the stage allows; a final pass also needs in-person attendance (seed 000:
    需求業者需實體出席), tier, rating, tier discount and case manager."""
    decision = getattr(meeting, "decision", None)
    if decision is None or decision.outcome not in STAGE_OUTCOMES[meeting.stage]:
        return False
    if decision.outcome != DecisionOutcome.PASS or meeting.stage != ReviewStage.FINAL:
        return True  # another subject's pass (the supplier final review) needs no tier, rating or attendance
    if meeting.applicant_attendance != ApplicantAttendance.IN_PERSON:
        return False
    return all(
        value is not None
        for value in (
            decision.value_creation_tier,
            decision.local_linkage_rating,
            decision.labour_share_percent,
            decision.case_manager_id,
        )
    )


@condition(message=lambda d: gettext("Choose the committee's decision first."), code="decision_incomplete")
def outcome_complete(decision: Any) -> bool:
    """The decision names an outcome."""
    return bool(decision.outcome)


def _declaration(invitation: Any) -> Any:
    return getattr(invitation, "declaration", None) if invitation.pk else None


@condition(
    message=lambda inv: gettext("Declare whether you have a conflict of interest before accepting."),
    code="declaration_missing",
)
def declared_no_conflict(invitation: Any) -> bool:
    """The expert declared, and declared no conflict (利益迴避)."""
    declaration = _declaration(invitation)
    return declaration is not None and not declaration.has_conflict


@condition(message=lambda inv: gettext("No conflict of interest was declared."), code="no_conflict_declared")
def declared_conflict(invitation: Any) -> bool:
    """The expert declared a conflict of interest."""
    declaration = _declaration(invitation)
    return declaration is not None and declaration.has_conflict


@condition(message=lambda inv: gettext("This meeting has closed or was cancelled."), code="meeting_closed")
def meeting_is_open(invitation: Any) -> bool:
    """The invitation's meeting is still scheduled or in session."""
    return invitation.meeting.state in OPEN_MEETING_STATES
