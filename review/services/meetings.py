"""Writes of review meetings (part of :mod:`review.services`): scheduling a round, opening and cancelling it,
recording attendance, and the experts' scores. Same rules as :mod:`review.services`: each write checks its
``rules`` permission, runs in one transaction and appends to the activity log.

Seed 000_9617a3b789ca4d20.txt (收案與審查流程): 初審 rolling and repeatable, the CTO chairs as lead reviewer
(技術長擔任主審), in person or by video; 複審 with the applicant in person. Closing a meeting (and recording the
decision) belongs to the decision service.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cases.enums import CaseState
from platform_site.activity import log_event
from platform_site.actors import SYSTEM
from platform_site.enums import ActivityAction, TenantKind
from platform_site.models import ActivityLog
from platform_site.rules import can
from platform_site.transitions import TransitionRefused, run_transition
from review import scoring
from review.enums import (
    OPEN_INVITATION_STATES,
    OPEN_MEETING_STATES,
    CriterionKind,
    InvitationState,
    MeetingMode,
    ReviewStage,
)
from review.models import PanelInvitation, ReviewMeeting, Rubric, RubricCriterion, Score
from review.services import install_rubric

# ---- meetings: scheduling, open / cancel, attendance -------------------------------------------------------------
#: The case state each stage is scheduled from (cases.enums.CaseState codes).
STAGE_CASE_STATE = {ReviewStage.PRELIMINARY: CaseState.PRELIMINARY_REVIEW, ReviewStage.FINAL: CaseState.FINAL_REVIEW}
#: Meeting transitions the chair runs from the meeting page / API (closing belongs to the decision).
MEETING_ACTIONS = ("open", "cancel")


def meeting_rubric(tenant: Any, actor: Any = SYSTEM) -> Rubric:
    """The current version of the rubric the tenant's meetings score on: ``tenant.config.review_rubric``, else
    ``grant_call`` in a grant-call office and ``tsmp`` elsewhere; installed from its preset when the tenant has
    none yet (logged ``created``). KeyError for a configured code with neither a rubric nor a preset."""
    code = tenant.config.review_rubric or ("grant_call" if tenant.kind == TenantKind.GRANT_CALL else "tsmp")
    return Rubric.objects.filter(code=code, is_current=True).first() or install_rubric(code, actor)


def _open_meeting_refusal(case: Any, stage: str) -> TransitionRefused | None:
    existing = ReviewMeeting.objects.filter(case=case, stage=stage, state__in=OPEN_MEETING_STATES).first()
    if existing is None:
        return None
    return TransitionRefused(
        gettext("Round %(round)s of this review is still open: close or cancel it before scheduling another.")
        % {"round": existing.round},
        code="meeting_open",
        meeting=existing.pk,
    )


def schedule_meeting(
    user: Any,
    case: Any,
    *,
    stage: str,
    scheduled_at: dt.datetime,
    mode: str,
    room: str = "",
    video_link: str = "",
    agenda: str = "",
) -> ReviewMeeting:
    """Schedule the next round of ``case``'s ``stage`` (初審 round n for a case in preliminary review, the 複審
    for a case in final review), chaired by ``user`` (the CTO: 技術長擔任主審, seed 000_9617a3b789ca4d20.txt),
    scoring on the rubric version current now (:func:`meeting_rubric`). ``round`` = the stage's last round + 1
    (a cancelled round keeps its number). Logs ``created`` on the meeting and ``meeting_scheduled`` on the case.

    Raises PermissionDenied (not the CTO); TransitionRefused ``case_not_in_stage`` (the case is not waiting for
    that stage) or ``meeting_open`` (a round of the stage is still open); ValidationError for a mode without its
    room / video link.
    """
    if not can(user, "review.schedule_meeting", case):
        raise PermissionDenied
    _check_place(mode, room, video_link)
    with transaction.atomic():
        locked = type(case).objects.select_for_update().get(pk=case.pk)
        if locked.state != STAGE_CASE_STATE[stage]:
            raise TransitionRefused(
                gettext("This case is not waiting for the %(stage)s (its status is “%(state)s”).")
                % {"stage": ReviewStage(stage).label, "state": locked.get_state_display()},
                code="case_not_in_stage",
                state=locked.state,
            )
        refusal = _open_meeting_refusal(case, stage)
        if refusal is not None:
            raise refusal
        last = ReviewMeeting.objects.filter(case=case, stage=stage).order_by("-round").values_list("round", flat=True)
        meeting = ReviewMeeting.objects.create(
            case=case,
            stage=stage,
            round=(last.first() or 0) + 1,
            rubric=meeting_rubric(case.tenant, user),
            chair=user,
            scheduled_at=scheduled_at,
            mode=mode,
            room=room.strip(),
            video_link=video_link.strip(),
            agenda=agenda,
        )
        data = {
            "stage": stage,
            "round": meeting.round,
            "scheduled_at": scheduled_at.isoformat(),
            "mode": mode,
            "rubric": f"{meeting.rubric.code} v{meeting.rubric.version}",
        }
        log_event(meeting, ActivityAction.CREATED, user, data=data)
        log_event(case, ActivityAction.MEETING_SCHEDULED, user, data={**data, "meeting": meeting.pk})
    return meeting


def _check_place(mode: str, room: str, video_link: str) -> None:
    errors = {}
    if mode in (MeetingMode.IN_PERSON, MeetingMode.HYBRID) and not room.strip():
        errors["room"] = [gettext("Say where the meeting is held.")]
    if mode in (MeetingMode.VIDEO, MeetingMode.HYBRID) and not video_link.strip():
        errors["video_link"] = [gettext("Give the video-conference link.")]
    if errors:
        raise ValidationError(errors)


def open_subject_meeting(stage: str, subject_id: int) -> ReviewMeeting | None:
    """The scheduled / in-session meeting of a registered subject (:mod:`review.subjects`), or None."""
    return ReviewMeeting.objects.filter(stage=stage, subject_id=subject_id, state__in=OPEN_MEETING_STATES).first()


def schedule_subject_meeting(
    user: Any,
    tenant: Any,
    *,
    stage: str,
    subject_id: int,
    subject_title: str,
    scheduled_at: dt.datetime,
    mode: str,
    room: str = "",
    video_link: str = "",
    agenda: str = "",
) -> ReviewMeeting:
    """Schedule the next round of a registered subject's meeting (:mod:`review.subjects`; the supplier final
    review), chaired by ``user`` (the CTO), on the tenant's current rubric. The caller (the subject's app)
    locks its row and checks the subject's own state in the same transaction; this checks the permission,
    the place and that no round is open. Logs ``created`` on the meeting (the caller logs on its subject).

    Raises PermissionDenied (not the CTO), ValueError (no kind registered for ``stage``), ValidationError
    (mode without room / link), TransitionRefused ``meeting_open``.
    """
    from review.subjects import kind_of

    if kind_of(stage) is None:
        raise ValueError(f"no meeting subject registered for stage {stage!r}")
    if not can(user, "review.schedule_meeting", tenant):
        raise PermissionDenied
    _check_place(mode, room, video_link)
    with transaction.atomic():
        existing = open_subject_meeting(stage, subject_id)
        if existing is not None:
            raise TransitionRefused(
                gettext("Round %(round)s of this review is still open: close or cancel it before scheduling another.")
                % {"round": existing.round},
                code="meeting_open",
                meeting=existing.pk,
            )
        last = ReviewMeeting.objects.filter(stage=stage, subject_id=subject_id).order_by("-round")
        meeting = ReviewMeeting.objects.create(
            stage=stage,
            subject_id=subject_id,
            subject_title=subject_title[:200],
            round=(last.values_list("round", flat=True).first() or 0) + 1,
            rubric=meeting_rubric(tenant, user),
            chair=user,
            scheduled_at=scheduled_at,
            mode=mode,
            room=room.strip(),
            video_link=video_link.strip(),
            agenda=agenda,
        )
        data = {
            "stage": stage,
            "subject_id": subject_id,
            "round": meeting.round,
            "scheduled_at": scheduled_at.isoformat(),
            "mode": mode,
            "rubric": f"{meeting.rubric.code} v{meeting.rubric.version}",
        }
        log_event(meeting, ActivityAction.CREATED, user, data=data)
    return meeting


def run_meeting_action(meeting: ReviewMeeting, action: str, user: Any, comment: str = "") -> ActivityLog:
    """Open (scheduled → in session) or cancel (scheduled / in session → cancelled) ``meeting``. Cancelling
    withdraws the open invitations first (so the experts' load drops), in the same transaction.

    Raises ValueError for another action; PermissionDenied / TransitionRefused as :func:`run_transition`.
    """
    if action not in MEETING_ACTIONS:
        raise ValueError(action)
    with transaction.atomic():
        if action == "cancel" and meeting.state in OPEN_MEETING_STATES and can(user, "review.chair_meeting", meeting):
            for invitation in meeting.invitations.filter(state__in=OPEN_INVITATION_STATES):
                run_transition(invitation, "withdraw", user, comment=comment)
        return run_transition(meeting, action, user, comment=comment)


def _refuse_unless_open(meeting: ReviewMeeting) -> None:
    if meeting.state not in OPEN_MEETING_STATES:
        raise TransitionRefused(
            gettext("The meeting is “%(state)s”: its attendance and scores can no longer change.")
            % {"state": meeting.get_state_display()},
            code="meeting_closed",
            state=meeting.state,
        )


def record_attendance(
    meeting: ReviewMeeting,
    user: Any,
    *,
    experts: dict[int, bool | None],
    applicant_attendance: str,
    applicant_attendees: str = "",
) -> ReviewMeeting:
    """Record who attended: ``experts`` maps accepted invitation id → attended (True / False / None = not
    recorded); the applicant's attendance (:class:`ApplicantAttendance`: a final review passes only in person,
    seed 000 複審 "需求業者需實體出席") and who came for them. Logs ``attendance_recorded`` with the changes.

    Raises PermissionDenied (not the CTO); TransitionRefused ``meeting_closed`` once the meeting closed or was
    cancelled; ValidationError for an invitation that is not an accepted seat of this meeting.
    """
    if not can(user, "review.chair_meeting", meeting):
        raise PermissionDenied
    with transaction.atomic():
        locked = ReviewMeeting.objects.select_for_update().get(pk=meeting.pk)
        _refuse_unless_open(locked)
        seats = {inv.pk: inv for inv in meeting.invitations.filter(state=InvitationState.ACCEPTED)}
        unknown = sorted(set(experts) - set(seats))
        if unknown:
            raise ValidationError({"experts": [gettext("Not an expert of this panel: %s") % unknown]})
        changes: dict[str, Any] = {}
        for pk, attended in sorted(experts.items()):
            if seats[pk].attended != attended:
                changes[f"expert:{seats[pk].expert_id}"] = {"before": seats[pk].attended, "after": attended}
                PanelInvitation.objects.filter(pk=pk).update(attended=attended)
        for field, value in (
            ("applicant_attendance", applicant_attendance),
            ("applicant_attendees", applicant_attendees),
        ):
            if getattr(locked, field) != value:
                changes[field] = {"before": getattr(locked, field), "after": value}
        ReviewMeeting.objects.filter(pk=meeting.pk).update(
            applicant_attendance=applicant_attendance, applicant_attendees=applicant_attendees
        )
        meeting.applicant_attendance, meeting.applicant_attendees = applicant_attendance, applicant_attendees
        if changes:
            log_event(meeting, ActivityAction.ATTENDANCE_RECORDED, user, data={"changes": changes})
    return meeting


# ---- scores ------------------------------------------------------------------------------------------------------
def _score_errors(criteria: list[Any], entries: dict[str, dict[str, Any]], submit: bool) -> dict[str, list[str]]:
    by_key = {c.key: c for c in criteria}
    errors: dict[str, list[str]] = {}
    for key in sorted(set(entries) - set(by_key)):
        errors[key] = [gettext("Not an item of this meeting's rubric.")]
    for criterion in criteria:
        entry = entries.get(criterion.key, {})
        problem = scoring.value_error(criterion, entry.get("value"))
        if problem:
            errors[criterion.key] = [problem]
            continue
        if not submit or criterion.kind == CriterionKind.TEXT:
            continue
        if entry.get("value") is None:
            errors[criterion.key] = [gettext("Score this item before submitting.")]
        elif criterion.justification_required and not str(entry.get("justification", "")).strip():
            errors[criterion.key] = [gettext("Say why: this item needs a justification.")]
    return errors


def save_scores(
    invitation: PanelInvitation, user: Any, entries: dict[str, dict[str, Any]], *, submit: bool = False
) -> list[Score]:
    """Save the expert's scores on their meeting's rubric; ``submit`` also marks them submitted (then, under
    independent visibility, the expert sees the others' scores). Editable until the meeting closes, then
    frozen (before or during the meeting, ISSUE 8).

    ``entries``: criterion key → ``{"value": int | None, "text": str, "justification": str}`` (keys left out
    keep their saved score). Values are checked per kind (:func:`review.scoring.value_error`); a submission
    needs every numeric item scored and a justification where the rubric requires one (TSMP: 價值創造性 and
    在地連結性, seed 000). Logs ``scores_saved`` / ``scores_submitted`` with ``{"scores": {key: value}}``.

    Raises PermissionDenied (not this invitation's accepted expert); TransitionRefused ``meeting_closed``
    (frozen); ValidationError ``{key: [message]}``. Returns the invitation's scores.
    """
    if not can(user, "review.score", invitation):
        raise PermissionDenied
    with transaction.atomic():
        meeting = ReviewMeeting.objects.select_for_update().get(pk=invitation.meeting_id)
        _refuse_unless_open(meeting)
        criteria = list(RubricCriterion.objects.filter(rubric_id=meeting.rubric_id))
        saved = {s.criterion_id: s for s in Score.objects.filter(invitation=invitation)}
        merged = {
            c.key: {
                "value": saved[c.pk].value if c.pk in saved else None,
                "text": saved[c.pk].text if c.pk in saved else "",
                "justification": saved[c.pk].justification if c.pk in saved else "",
            }
            for c in criteria
        }
        for key, entry in entries.items():
            merged.setdefault(key, {}).update(entry)
        errors = _score_errors(criteria, merged, submit)
        if errors:
            raise ValidationError(errors)
        for criterion in criteria:
            entry = merged[criterion.key]
            Score.objects.update_or_create(
                invitation=invitation,
                criterion=criterion,
                defaults={
                    "value": entry.get("value"),
                    "text": str(entry.get("text") or "").strip(),
                    "justification": str(entry.get("justification") or "").strip(),
                },
            )
        action = ActivityAction.SCORES_SAVED
        if submit:
            action = ActivityAction.SCORES_SUBMITTED
            invitation.scores_submitted_at = invitation.scores_submitted_at or timezone.now()
            PanelInvitation.objects.filter(pk=invitation.pk).update(scores_submitted_at=invitation.scores_submitted_at)
        log_event(invitation, action, user, data={"scores": {k: v.get("value") for k, v in merged.items()}})
    return list(Score.objects.filter(invitation=invitation).select_related("criterion"))
