"""Stable codes of the review committee (審查會議): stages, meeting modes, lifecycles, outcomes, rubric kinds.

Seed 000_9617a3b789ca4d20.txt ("收案與審查流程", "審查評分項目"); DOMAIN.md steps 5-8. Labels are for display.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExpertKind(models.TextChoices):
    """產學研專家: where an expert comes from (seed 000: 技術長邀請產學研專家)."""

    INDUSTRY = "industry", _("Industry")
    ACADEMIA = "academia", _("Academia")
    RESEARCH = "research", _("Research institute")


class ReviewStage(models.TextChoices):
    """初審 (rolling, repeatable, CTO as lead reviewer) and 複審 (one lead expert, applicant in person)."""

    PRELIMINARY = "preliminary", _("Preliminary review")
    FINAL = "final", _("Final review")
    #: 供應商複審: a supplier's final review (issue 9), subject registered by the suppliers app (review.subjects).
    SUPPLIER_FINAL = "supplier_final", _("Supplier final review")


#: Stages whose meetings are about a demand case (``ReviewMeeting.case``); the others name a registered subject.
CASE_STAGES = frozenset({ReviewStage.PRELIMINARY, ReviewStage.FINAL})


class MeetingMode(models.TextChoices):
    """How a meeting is held (seed 000: 初審 實體/視訊出席; 複審 需求業者需實體出席)."""

    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video conference")
    HYBRID = "hybrid", _("In person with a video link")


class MeetingState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    IN_SESSION = "in_session", _("In session")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


#: Meetings whose panel may still change and whose scores may still be edited.
OPEN_MEETING_STATES = frozenset({MeetingState.SCHEDULED, MeetingState.IN_SESSION})


class InvitationState(models.TextChoices):
    """An expert's seat on a panel: invited → accepted (after declaring no conflict) / declined / recused
    (declared a conflict of interest, 利益迴避) / withdrawn (the CTO took the invitation back)."""

    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    RECUSED = "recused", _("Recused (conflict of interest)")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: Invitations that count as an expert's open load (the picker shows it).
OPEN_INVITATION_STATES = frozenset({InvitationState.INVITED, InvitationState.ACCEPTED})


class DecisionState(models.TextChoices):
    """The committee's consensus decision (共識決): drafted during the meeting, recorded when it closes,
    released to the applicant by the CTO."""

    DRAFT = "draft", _("Draft")
    RECORDED = "recorded", _("Recorded")
    RELEASED = "released", _("Released to the applicant")


class DecisionOutcome(models.TextChoices):
    """Preliminary: pass to final / another preliminary round / reject. Final: pass / reject."""

    PASS_TO_FINAL = "pass_to_final", _("Pass to the final review")
    ANOTHER_ROUND = "another_round", _("Another preliminary round")
    PASS = "pass", _("Pass")
    RETURN = "return", _("Return for more information")
    REJECT = "reject", _("Reject")


#: The outcomes each stage allows.
STAGE_OUTCOMES = {
    ReviewStage.PRELIMINARY: (DecisionOutcome.PASS_TO_FINAL, DecisionOutcome.ANOTHER_ROUND, DecisionOutcome.REJECT),
    ReviewStage.FINAL: (DecisionOutcome.PASS, DecisionOutcome.REJECT),
    ReviewStage.SUPPLIER_FINAL: (DecisionOutcome.PASS, DecisionOutcome.RETURN, DecisionOutcome.REJECT),
}


class CriterionKind(models.TextChoices):
    """How a rubric criterion is scored: a tier (1 = best), a scale (min..max), yes/no, or free text."""

    TIER = "tier", _("Tier")
    SCALE = "scale", _("Scale")
    YES_NO = "yes_no", _("Yes / no")
    TEXT = "text", _("Text")


class ScoreVisibility(models.TextChoices):
    """Tenant setting ``review_score_visibility``: independent = an expert sees the others' scores only after
    submitting their own; open = always."""

    INDEPENDENT = "independent", _("Independent")
    OPEN = "open", _("Open")


class ApplicantAttendance(models.TextChoices):
    """How the applicant attended a meeting (a final review passes only with in-person attendance)."""

    NOT_RECORDED = "", _("Not recorded")
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("By video")
    ABSENT = "absent", _("Absent")


class ConflictCategory(models.TextChoices):
    """Grounds for recusal (利益迴避) after 行政程序法 §32 (Administrative Procedure Act, art. 32), plus the
    employment / business relationship the programme asks about."""

    SPOUSE = "spouse", _("Spouse or former spouse of the applicant or its people")
    BLOOD_RELATIVE = "blood_relative", _("Blood relative within the fourth degree")
    IN_LAW = "in_law", _("Relative by marriage within the third degree")
    JOINT_RIGHT = "joint_right", _("Joint right-holder or joint obligor with the applicant in this matter")
    AGENT = "agent", _("Agent or assistant of the applicant (now or before)")
    WITNESS = "witness", _("Witness or expert witness in this matter")
    EMPLOYMENT = "employment", _("Employment or business relationship with the applicant")
    OTHER = "other", _("Other relationship that may affect impartiality")
