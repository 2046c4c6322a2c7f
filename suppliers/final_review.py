"""The supplier final review (複審) on the review app's meeting machinery (issue 9: "one mechanism, not two").

Seed 000_9617a3b789ca4d20.txt (供應端): after the 資格審 the 複審 is a meeting held within two weeks
(``tenant.config.supplier_final_review_days``), the CTO chairs as lead reviewer (技術長擔任主審) with 3-5 core
platform members (``supplier_final_panel_min`` / ``_max``), consensus (共識決) → approved partner, returned for
more information, or rejected.

The meeting is a :class:`review.models.ReviewMeeting` of stage ``supplier_final`` whose ``subject_id`` is the
:class:`~suppliers.models.SupplierProfile`'s id (review knows nothing of suppliers: this module registers the
subject kind with :mod:`review.subjects` from ``SuppliersConfig.ready``). Panel: pool experts flagged
``is_core`` (core platform members: office staff or CTO-invited colleagues added to the expert pool with the
flag); the conflict check compares their affiliations with the supplier organisation's 統一編號. Closing the
meeting with the decision runs :func:`decide` inside review's transaction, which runs the profile's onboarding
transition (:func:`suppliers.services.record_final_review_decision`, logged, supplier emailed on commit).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from platform_site.activity import log_event
from platform_site.enums import ActivityAction
from platform_site.transitions import TransitionRefused
from review import subjects
from review.enums import DecisionOutcome, ReviewStage
from review.models import ReviewMeeting
from suppliers.enums import OnboardingState
from suppliers.models import SupplierProfile

STAGE = ReviewStage.SUPPLIER_FINAL
#: The meeting's consensus → the profile's onboarding transition.
OUTCOME_TRANSITIONS = {
    DecisionOutcome.PASS: "approve",
    DecisionOutcome.RETURN: "return_final",
    DecisionOutcome.REJECT: "reject_final",
}


def _panel_limits(tenant: Any) -> tuple[int, int]:
    return tenant.config.supplier_final_panel_min, tenant.config.supplier_final_panel_max


def _ubn(meeting: Any) -> str:
    """The supplier organisation's 統一編號 (one query)."""
    ubn = SupplierProfile.objects.filter(pk=meeting.subject_id).values_list("organization__ubn", flat=True).first()
    return ubn or ""


def _due(meeting: Any) -> dt.date | None:
    """The profile's 複審 due date (qualification + 14 days; cleared once decided). One query."""
    return SupplierProfile.objects.filter(pk=meeting.subject_id).values_list("final_review_due", flat=True).first()


def _url(tenant_slug: str, subject_id: int) -> str:
    return reverse("suppliers:detail", kwargs={"tenant_slug": tenant_slug, "pk": subject_id})


def _visible(user: Any, meeting: Any) -> bool:
    """Whether ``user`` sees the profile (office staff; the supplier; an expert cleared on its meeting)."""
    from suppliers.queries import profile_visibility

    qs = SupplierProfile.objects.filter(pk=meeting.subject_id)
    return profile_visibility.apply(qs, user, meeting.tenant).exists()


def decide(meeting: Any, decision: Any, user: Any) -> None:
    """The meeting closed with ``decision``: run the profile's transition (inside review's transaction)."""
    from suppliers.services import record_final_review_decision

    profile = SupplierProfile.objects.select_for_update().get(pk=meeting.subject_id)
    name = OUTCOME_TRANSITIONS[decision.outcome]
    record_final_review_decision(profile, user, name, reason=decision.reasons or "", meeting=meeting)


KIND = subjects.register(
    subjects.MeetingSubject(
        stage=STAGE,
        panel_limits=_panel_limits,
        ubn=_ubn,
        due=_due,
        url=_url,
        visible=_visible,
        decide=decide,
        outcome_labels={
            DecisionOutcome.PASS: _("Approve as a partner"),
            DecisionOutcome.RETURN: _("Return for more information"),
            DecisionOutcome.REJECT: _("Reject"),
        },
        core_members_only=True,
    )
)


def meetings_of(profile: SupplierProfile) -> QuerySet[ReviewMeeting]:
    """The profile's final-review meetings, latest round first, with the decision joined (one query)."""
    return (
        ReviewMeeting.objects.filter(stage=STAGE, subject_id=profile.pk)
        .select_related("decision")
        .order_by("-round", "-pk")
    )


def open_meeting(profile: SupplierProfile) -> ReviewMeeting | None:
    """The profile's scheduled / in-session final review, or None."""
    from review.services.meetings import open_subject_meeting

    return open_subject_meeting(STAGE, profile.pk)


def cleared_on_profile(user: Any) -> Q:
    """Row rule for profiles: a final review meeting of the profile where ``user`` holds a cleared seat
    (invited or accepted, declared no conflict, meeting not cancelled: :func:`review.queries.cleared_invitations`)."""
    from review.queries import cleared_invitations

    seats = cleared_invitations(user).filter(meeting__stage=STAGE, meeting__subject_id=OuterRef("pk"))
    return Q(Exists(seats))


def schedule(
    user: Any,
    profile: SupplierProfile,
    *,
    scheduled_at: dt.datetime,
    mode: str,
    room: str = "",
    video_link: str = "",
    agenda: str = "",
) -> ReviewMeeting:
    """The CTO schedules the supplier final review of ``profile`` (a review meeting of stage ``supplier_final``,
    chaired by ``user``); logs ``meeting_scheduled`` on the profile with ``{meeting, round, scheduled_at,
    due, after_due}``. A date after the profile's 複審 due date is allowed (the pages flag it: the due date is a
    service level, not a lock).

    Raises PermissionDenied (not the CTO), TransitionRefused ``not_in_final_review`` (the profile is not waiting
    for the 複審) or ``meeting_open`` (a round is still open), ValidationError (mode without room / link).
    """
    from review.services.meetings import schedule_subject_meeting

    with transaction.atomic():
        locked = (
            SupplierProfile.objects.select_for_update(of=("self",)).select_related("organization").get(pk=profile.pk)
        )
        if locked.state != OnboardingState.FINAL_REVIEW:
            raise TransitionRefused(
                gettext("This supplier is not waiting for the final review (its status is “%(state)s”).")
                % {"state": locked.get_state_display()},
                code="not_in_final_review",
                state=locked.state,
            )
        meeting = schedule_subject_meeting(
            user,
            locked.tenant,
            stage=STAGE,
            subject_id=locked.pk,
            subject_title=locked.organization.name,
            scheduled_at=scheduled_at,
            mode=mode,
            room=room,
            video_link=video_link,
            agenda=agenda,
        )
        due = locked.final_review_due
        after = bool(due) and timezone.localdate(scheduled_at) > due
        data = {
            "meeting": meeting.pk,
            "round": meeting.round,
            "scheduled_at": scheduled_at.isoformat(),
            "due": due.isoformat() if due else None,
            "after_due": after,
        }
        log_event(locked, ActivityAction.MEETING_SCHEDULED, user, data=data)
    return meeting
