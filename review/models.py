"""The review committee (審查委員會): expert pool, rubrics, meetings, panels, declarations, scores, decisions.

Seed 000_9617a3b789ca4d20.txt ("收案與審查流程", "審查評分項目"; DOMAIN.md steps 5-8):

- 初審 preliminary review: meeting review in person or by video, rolling and repeatable (round 1, 2, …); the CTO
  chairs as lead reviewer (技術長擔任主審) and invites 3-5 experts; consensus (共識決).
- 複審 final review: the applicant attends in person; held within one month after the preliminary review ends;
  the CTO invites 5-7 industry / academic / research experts (產學研專家) and designates one lead reviewer
  (主審); consensus. A pass sets the tier discount (分級折扣) from value creation (價值創造性) and local linkage
  (在地連結性) and appoints the case manager (個案管理師).

Three django-fsm machines (protected, run only through :func:`platform_site.transitions.run_transition` from
:mod:`review.services`): :class:`ReviewMeeting`, :class:`PanelInvitation` and :class:`ReviewDecision`. The
case itself moves only through its own transitions, which the decision calls in the same database transaction.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from platform_site.tenancy import TenantOwnedModel
from platform_site.validators import validate_ubn
from platform_site.workflow import StateMachineMixin
from review import conditions as cond
from review.enums import (
    ApplicantAttendance,
    ConflictCategory,
    CriterionKind,
    DecisionOutcome,
    DecisionState,
    ExpertKind,
    InvitationState,
    MeetingMode,
    MeetingState,
    ReviewStage,
)

M, INV, D = MeetingState, InvitationState, DecisionState
#: The hard rule billing relies on (seed 000 收費規範: 需求端於此項目需分攤之成本不高於50%).
MAX_LABOUR_SHARE_PERCENT = 50


# ---- expert pool --------------------------------------------------------------------------------------------
class Expert(TenantOwnedModel):
    """One person in one tenant's expert pool (產學研專家). A person may sit in several tenants' pools: one row
    per tenant, each with its own profile and affiliations (tenants share nothing)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert_profiles")
    kind = models.CharField(_("sector"), max_length=16, choices=ExpertKind.choices, default=ExpertKind.INDUSTRY)
    title = models.CharField(_("position and title"), max_length=200, blank=True)
    expertise = models.JSONField(_("fields of expertise"), default=list, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    bio = models.TextField(_("short biography"), blank=True)
    is_active = models.BooleanField(_("active in the pool"), default=True)
    is_core = models.BooleanField(
        _("core platform member"),
        default=False,
        help_text=_("May sit on a supplier final review panel (the CTO chairs with 3-5 core platform members)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "pk"]
        verbose_name = _("expert")
        constraints = [models.UniqueConstraint(fields=["tenant", "user"], name="expert_unique_user_per_tenant")]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class ExpertAffiliation(TenantOwnedModel):
    """Where an expert works or worked, with dates; the automatic conflict check compares ``ubn`` (統一編號)
    with the applicant's over the tenant's look-back window (``review_conflict_lookback_years``)."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="affiliations")
    organisation_name = models.CharField(_("organisation"), max_length=200)
    ubn = models.CharField(_("unified business number (統一編號)"), max_length=8, blank=True, validators=[validate_ubn])
    position = models.CharField(_("position"), max_length=200, blank=True)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True, help_text=_("Leave empty for a current affiliation."))

    class Meta:
        ordering = ["-start", "pk"]
        verbose_name = _("affiliation")
        indexes = [models.Index(fields=["tenant", "ubn"], name="affiliation_ubn_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="affiliation_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.organisation_name


# ---- rubrics ------------------------------------------------------------------------------------------------
class Rubric(TenantOwnedModel):
    """A versioned scoring rubric of one tenant (審查評分項目). A meeting scores on the version current when it
    opened; a change makes a new version (``version`` + 1, the old one kept for the meetings that used it)."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    is_current = models.BooleanField(_("current version"), default=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("rubric")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code", "version"], name="rubric_unique_version"),
            models.UniqueConstraint(
                fields=["tenant", "code"], condition=models.Q(is_current=True), name="rubric_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} v{self.version}"


class RubricGroup(TenantOwnedModel):
    """A group of criteria sharing one weight (seed 001: items 2-5 together 40%). ``weight_percent`` may be
    0 for an unweighted rubric (the TSMP rubric is a tier, a scale and a recommendation)."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="groups")
    position = models.PositiveSmallIntegerField(default=0)
    label_zh = models.CharField(_("label (Chinese)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    weight_percent = models.DecimalField(
        _("weight (%)"), max_digits=5, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("rubric group")


class RubricCriterion(TenantOwnedModel):
    """One scored item. ``kind`` tier: 1..``max_value`` (1 is the best tier); scale: ``min_value``..``max_value``;
    yes/no: 1 / 0; text: no number. ``justification_required``: the expert must say why."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    group = models.ForeignKey(RubricGroup, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(_("key"), max_length=40)
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=8, choices=CriterionKind.choices)
    label_zh = models.CharField(_("label (Chinese)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    help_zh = models.TextField(_("guidance (Chinese)"), blank=True)
    help_en = models.TextField(_("guidance (English)"), blank=True)
    min_value = models.SmallIntegerField(_("lowest score"), null=True, blank=True)
    max_value = models.SmallIntegerField(_("highest score"), null=True, blank=True)
    justification_required = models.BooleanField(_("justification required"), default=False)

    class Meta:
        ordering = ["group__position", "position", "pk"]
        verbose_name = _("rubric criterion")
        constraints = [models.UniqueConstraint(fields=["rubric", "key"], name="criterion_unique_key")]

    def __str__(self) -> str:
        return self.label_zh


# ---- tier discount ------------------------------------------------------------------------------------------
class TierDiscount(TenantOwnedModel):
    """One entry of the tenant's tier-discount table (分級折扣): for a value-creation tier and a local-linkage
    rating, the share of the platform team's labour Σ(hours × rate) the applicant pays. Seed 000 收費規範:
    the applicant's share is at most 50% (:data:`MAX_LABOUR_SHARE_PERCENT`), enforced here and in the
    database; billing multiplies by it."""

    value_creation_tier = models.PositiveSmallIntegerField(_("value-creation tier"))
    local_linkage_rating = models.PositiveSmallIntegerField(_("local-linkage rating"))
    labour_share_percent = models.PositiveSmallIntegerField(
        _("applicant's share of platform labour (%)"),
        validators=[MinValueValidator(0), MaxValueValidator(MAX_LABOUR_SHARE_PERCENT)],
    )

    class Meta:
        ordering = ["value_creation_tier", "-local_linkage_rating"]
        verbose_name = _("tier discount")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "value_creation_tier", "local_linkage_rating"], name="tier_discount_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(labour_share_percent__lte=MAX_LABOUR_SHARE_PERCENT), name="tier_discount_max_50"
            ),
        ]


# ---- meetings -----------------------------------------------------------------------------------------------
class CaseReview(TenantOwnedModel):
    """The committee's file on one case: when the preliminary review ended and the final-review due date
    (:func:`review.deadlines.final_review_due`), shown on the case and the CTO's home."""

    case = models.OneToOneField("cases.DemandCase", on_delete=models.PROTECT, related_name="committee_review")
    preliminary_ended_on = models.DateField(_("preliminary review ended"), null=True, blank=True)
    final_review_due = models.DateField(_("final review due"), null=True, blank=True)

    class Meta:
        verbose_name = _("committee file")
        indexes = [models.Index(fields=["tenant", "final_review_due"], name="case_review_due_idx")]


class ReviewMeeting(StateMachineMixin, TenantOwnedModel):
    """One round of a case's preliminary or final review — or of another subject's review registered in
    :mod:`review.subjects` (the supplier final review): a meeting with its panel, scores and decision.

    A case meeting has ``case``; any other has ``subject_id`` (a row of the model the stage's registered kind
    names) and ``subject_title`` (its display name when scheduled), never both (``meeting_one_subject``)."""

    case = models.ForeignKey(
        "cases.DemandCase", on_delete=models.PROTECT, related_name="review_meetings", null=True, blank=True
    )
    subject_id = models.PositiveBigIntegerField(_("subject"), null=True, blank=True)
    subject_title = models.CharField(_("subject"), max_length=200, blank=True)
    stage = models.CharField(_("stage"), max_length=16, choices=ReviewStage.choices)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="+", verbose_name=_("rubric"))
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("chair")
    )
    scheduled_at = models.DateTimeField(_("date and time"))
    mode = models.CharField(_("mode"), max_length=16, choices=MeetingMode.choices, default=MeetingMode.IN_PERSON)
    room = models.CharField(_("room"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    applicant_attendance = models.CharField(
        _("applicant attendance"), max_length=16, choices=ApplicantAttendance.choices, blank=True, default=""
    )
    applicant_attendees = models.CharField(_("applicant's attendees"), max_length=300, blank=True)
    state = FSMField(_("status"), default=M.SCHEDULED, choices=M.choices, protected=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scheduled_at", "-pk"]
        verbose_name = _("review meeting")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "case", "stage", "round"], name="meeting_unique_round"),
            models.UniqueConstraint(
                fields=["tenant", "stage", "subject_id", "round"],
                condition=models.Q(subject_id__isnull=False),
                name="meeting_unique_subject_round",
            ),
            models.CheckConstraint(
                condition=models.Q(case__isnull=False, subject_id__isnull=True)
                | models.Q(case__isnull=True, subject_id__isnull=False),
                name="meeting_one_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "state", "scheduled_at"], name="meeting_state_when_idx"),
            models.Index(fields=["tenant", "stage", "subject_id"], name="meeting_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} #{self.round}"

    @property
    def subject_name(self) -> str:
        """The case's title, or the registered subject's name (no query beyond the case join)."""
        return self.case.title if self.case_id is not None else self.subject_title

    @property
    def subject_label(self) -> str:
        """What the meeting is about, for lists and emails: the case's reference and title, or the subject's."""
        if self.case_id is None:
            return self.subject_title
        return f"{self.case.reference} {self.case.title}".strip()

    @transition(
        field=state,
        source=M.SCHEDULED,
        target=M.IN_SESSION,
        custom={"label": _("Open the meeting")},
        permission=cond.CHAIR,
    )
    def open(self, *, by: Any, comment: str = "") -> None:
        """The chair opens the meeting (experts may keep scoring until it closes)."""

    @transition(
        field=state,
        source=[M.SCHEDULED, M.IN_SESSION],
        target=M.CLOSED,
        conditions=[cond.panel_within_limits, cond.has_one_lead_if_final, cond.decision_ready],
        custom={"label": _("Close the meeting and record the decision")},
        permission=cond.CHAIR,
    )
    def close(self, *, by: Any, comment: str = "") -> None:
        """Consensus reached: scores freeze; :mod:`review.services` records the decision in the same transaction."""
        self.closed_at = timezone.now()

    @transition(
        field=state,
        source=[M.SCHEDULED, M.IN_SESSION],
        target=M.CANCELLED,
        custom={"label": _("Cancel the meeting")},
        permission=cond.CHAIR,
    )
    def cancel(self, *, by: Any, comment: str = "") -> None:
        """Called off (a new round can be scheduled)."""


class PanelInvitation(StateMachineMixin, TenantOwnedModel):
    """An expert's seat on one meeting's panel. ``is_lead``: the final review's lead reviewer (主審).
    ``conflict_flagged``: the automatic check found an affiliation with the applicant within the look-back
    window when the CTO invited; ``override_reason`` says why the CTO invited anyway (logged)."""

    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.CASCADE, related_name="invitations")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="invitations")
    is_lead = models.BooleanField(_("lead reviewer"), default=False)
    conflict_flagged = models.BooleanField(_("conflict flagged"), default=False)
    override_reason = models.TextField(_("reason for inviting despite the flag"), blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = FSMField(_("status"), default=INV.INVITED, choices=INV.choices, protected=True, db_index=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    scores_submitted_at = models.DateTimeField(_("scores submitted"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "-is_lead", "pk"]
        verbose_name = _("panel invitation")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "expert"], name="invitation_unique_expert"),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=models.Q(is_lead=True) & models.Q(state__in=["invited", "accepted"]),
                name="invitation_one_lead",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "expert", "state"], name="invitation_load_idx")]

    @transition(
        field=state,
        source=INV.INVITED,
        target=INV.ACCEPTED,
        conditions=[cond.declared_no_conflict, cond.meeting_is_open],
        custom={"label": _("Accept")},
        permission=cond.INVITEE,
    )
    def accept(self, *, by: Any, comment: str = "") -> None:
        """The expert accepts, having declared no conflict of interest."""
        self._responded()

    @transition(
        field=state,
        source=INV.INVITED,
        target=INV.DECLINED,
        conditions=[cond.meeting_is_open],
        custom={"label": _("Decline")},
        permission=cond.INVITEE,
    )
    def decline(self, *, by: Any, comment: str = "") -> None:
        self._responded()

    @transition(
        field=state,
        source=[INV.INVITED, INV.ACCEPTED],
        target=INV.RECUSED,
        conditions=[cond.declared_conflict],
        custom={"label": _("Recuse (conflict of interest)")},
        permission=cond.INVITEE,
    )
    def recuse(self, *, by: Any, comment: str = "") -> None:
        """A conflict was declared: the expert is excluded and the chair must find a replacement."""
        self.is_lead = False
        self._responded()

    @transition(
        field=state,
        source=[INV.INVITED, INV.ACCEPTED],
        target=INV.WITHDRAWN,
        conditions=[cond.meeting_is_open],
        custom={"label": _("Withdraw the invitation")},
        permission=cond.CHAIR_OF_MEETING,
    )
    def withdraw(self, *, by: Any, comment: str = "") -> None:
        self.is_lead = False

    def _responded(self) -> None:
        self.responded_at = timezone.now()


class ConflictDeclaration(TenantOwnedModel):
    """The expert's declaration on conflicts of interest (利益迴避) for one invitation, with the version of the
    declaration text they saw (:data:`review.conflicts.DECLARATION_VERSION`). Written once, never edited."""

    invitation = models.OneToOneField(PanelInvitation, on_delete=models.CASCADE, related_name="declaration")
    has_conflict = models.BooleanField(_("I have a conflict of interest"))
    categories = models.JSONField(_("grounds"), default=list, blank=True)
    details = models.TextField(_("details"), blank=True)
    text_version = models.CharField(_("declaration text version"), max_length=20)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict-of-interest declaration")

    def category_labels(self) -> list[str]:
        labels = dict(ConflictCategory.choices)
        return [str(labels.get(code, code)) for code in self.categories]


class Score(TenantOwnedModel):
    """One expert's score on one criterion of the meeting's rubric; editable until the meeting closes."""

    invitation = models.ForeignKey(PanelInvitation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(_("score"), null=True, blank=True)
    text = models.TextField(_("comment"), blank=True)
    justification = models.TextField(_("justification"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["criterion__group__position", "criterion__position", "pk"]
        verbose_name = _("score")
        constraints = [models.UniqueConstraint(fields=["invitation", "criterion"], name="score_unique_criterion")]


# ---- decisions ----------------------------------------------------------------------------------------------
def _minutes_path(decision: ReviewDecision, filename: str) -> str:
    return f"tenants/{decision.tenant_id}/review/minutes/{decision.meeting_id}/{filename}"


class ReviewDecision(StateMachineMixin, TenantOwnedModel):
    """The consensus decision (共識決) of one meeting and its minutes (會議紀錄).

    For a final pass: ``value_creation_tier`` (1-3), ``local_linkage_rating``, ``labour_share_percent`` (the
    tier discount read from :class:`TierDiscount` when recorded, kept here as billing's input) and the
    ``case_manager``. ``applicant_comments`` is what the applicant reads once the CTO releases the decision.
    """

    meeting = models.OneToOneField(ReviewMeeting, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(_("decision"), max_length=16, choices=DecisionOutcome.choices, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    applicant_comments = models.TextField(_("comments for the applicant"), blank=True)
    value_creation_tier = models.PositiveSmallIntegerField(_("value-creation tier"), null=True, blank=True)
    local_linkage_rating = models.PositiveSmallIntegerField(_("local-linkage rating"), null=True, blank=True)
    labour_share_percent = models.PositiveSmallIntegerField(
        _("applicant's share of platform labour (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_LABOUR_SHARE_PERCENT)],
    )
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case manager"),
    )
    state = FSMField(_("status"), default=D.DRAFT, choices=D.choices, protected=True, db_index=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    minutes_pdf = models.FileField(upload_to=_minutes_path, max_length=255, blank=True)
    minutes_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("review decision")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(labour_share_percent__isnull=True)
                | models.Q(labour_share_percent__lte=MAX_LABOUR_SHARE_PERCENT),
                name="decision_share_max_50",
            )
        ]

    @transition(
        field=state,
        source=D.DRAFT,
        target=D.RECORDED,
        conditions=[cond.outcome_complete],
        custom={"label": _("Record the decision")},
        permission=cond.CHAIR_OF_DECISION,
    )
    def record(self, *, by: Any, comment: str = "") -> None:
        """Recorded when the meeting closes (same transaction); the minutes PDF is rendered then."""
        self.recorded_at = timezone.now()

    @transition(
        field=state,
        source=D.RECORDED,
        target=D.RELEASED,
        custom={"label": _("Release to the applicant")},
        permission=cond.CHAIR_OF_DECISION,
    )
    def release(self, *, by: Any, comment: str = "") -> None:
        """The applicant may now read the decision and the committee's comments (never individual scores)."""
        self.released_at = timezone.now()
