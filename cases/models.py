"""Demand cases (需求端案件) and what hangs off them: documents and the needs analysis.

The case lifecycle is a django-fsm machine (``state``, protected): seed 000_9617a3b789ca4d20.txt,
"收案與審查流程" — draft → submitted → qualification review (資格審) → {more documents requested,
matchmaking referral (媒合轉介) → closed, reference design (使用參考設計) → closed, not eligible → closed,
preliminary review (初審) → final review (複審) → in service → closed}, plus withdrawn. Referral and
reference design go on to 初審 when they do not solve the need (the flowchart's "完成? 否" branches).
Which 資格審 decision fits is read off the checklist: :meth:`DemandCase.qualification_branch`.
Transitions only change fields; :mod:`cases.services` runs them, logs them and sends notifications.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from cases.checklist import (
    QualificationChecklistMixin,
    branch_decided,
    branch_is_not_eligible,
    branch_is_preliminary,
    branch_is_reference_design,
    branch_is_referral,
    eligible_for_service,
)
from cases.enums import (
    EXCLUSIVE_CUSTOMISATIONS,
    QUEUE_STATES,
    REQUIRED_DOCUMENT_KINDS,
    CaseSource,
    CaseState,
    ClosureReason,
    Customisation,
    DocumentKind,
    Industry,
    ProjectType,
)
from platform_site.tenancy import TenantOwnedModel
from platform_site.transitions import TransitionRefused
from platform_site.workdays import add_working_days, working_days_between
from platform_site.workflow import StateMachineMixin, condition, rule_permission

S = CaseState
APPLICANT = rule_permission("cases.applicant_transition")
QUALIFIER = rule_permission("cases.qualification_transition")
OFFICE = rule_permission("cases.office_transition")
COMMITTEE = rule_permission("cases.committee_transition")


#: What the applicant fills in at intake (the form, the API and cases.services.create_case/update_case).
INTAKE_FIELDS = (
    "title",
    "company_profile",
    "employee_count",
    "industry",
    "application_field",
    "problem_statement",
    "smart_system_need",
    "customisations",
    "supply_chain_consulted",
    "supply_chain_outcome",
    "contact_name",
    "contact_email",
    "contact_phone",
)


def validate_customisations(codes: list[str]) -> None:
    """“none” and “unsure” exclude every other customisation choice; raises ValidationError (translated)."""
    if len(codes) > 1 and EXCLUSIVE_CUSTOMISATIONS & set(codes):
        raise ValidationError(_("“No customisation” and “Not sure” cannot be combined with other choices."))


def taipei_today() -> dt.date:
    """Today's date in Asia/Taipei (settings.TIME_ZONE)."""
    return timezone.localdate()


class DemandCase(QualificationChecklistMixin, StateMachineMixin, TenantOwnedModel):
    """A demand-side case: an SME's smart-system need, from intake to closure."""

    reference = models.CharField(_("case number"), max_length=32, blank=True)
    applicant_org = models.ForeignKey(
        "platform_site.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("applicant")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("case title"), max_length=200)
    source = models.CharField(_("case source"), max_length=16, choices=CaseSource.choices, default=CaseSource.INBOUND)
    company_profile = models.TextField(_("company profile"), blank=True)
    employee_count = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    industry = models.CharField(_("industry"), max_length=16, choices=Industry.choices, blank=True)
    application_field = models.CharField(_("application field"), max_length=200, blank=True)
    problem_statement = models.TextField(_("the problem"), blank=True)
    smart_system_need = models.TextField(_("smart-system need"), blank=True)
    customisations = models.JSONField(_("customisation needed"), default=list, blank=True)
    supply_chain_consulted = models.BooleanField(_("asked the existing supply chain"), default=False)
    supply_chain_outcome = models.TextField(_("what the supply chain said"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)

    state = FSMField(_("status"), default=S.DRAFT, choices=S.choices, protected=True, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    qualification_due = models.DateField(_("qualification due"), null=True, blank=True)
    qualification_days_remaining = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    qualification_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    qualification_decided_at = models.DateTimeField(null=True, blank=True)
    eligible_applicant_type = models.BooleanField(_("domestic SME, start-up or cross-domain system company"), null=True)
    eligible_need = models.BooleanField(_("smart-system application need or chip development intent"), null=True)
    existing_supply_chain_can_serve = models.BooleanField(
        _("the existing external supply chain can serve it"), null=True
    )
    customisation_needed = models.BooleanField(_("customisation needed (reviewer's answer)"), null=True)
    closure_reason = models.CharField(_("closure reason"), max_length=32, choices=ClosureReason.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("demand case")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "reference"], condition=~models.Q(reference=""), name="case_unique_reference"
            ),
        ]
        # Tenant first, then the list's ORDER BY (cases.queries), so a page is an index range, not a sort:
        indexes = [
            models.Index(  # office staff's default list: every state but withdrawn (index-only count and pages)
                fields=["tenant", "-created_at", "-id"],
                name="case_active_list_idx",
                condition=~models.Q(state="withdrawn"),
            ),
            models.Index(
                fields=["tenant", "applicant_org", "-created_at", "-id"], name="case_org_list_idx"
            ),  # applicant
            models.Index(fields=["tenant", "state", "-created_at", "-id"], name="case_state_list_idx"),  # ?state=
            models.Index(  # the qualification queue, soonest due first; only the cases in the queue's states
                fields=["tenant", "qualification_due", "submitted_at", "id"],
                name="case_queue_idx",
                condition=models.Q(state__in=QUEUE_STATES),
            ),
        ]

    def __str__(self) -> str:
        reference = self.reference or str(_("(draft)"))
        return f"{reference} {self.title}"

    # ---- conditions ----------------------------------------------------------------------------------
    def missing_for_submission(self) -> list[str]:
        """Human-readable list of what must be filled in or uploaded before the case can be submitted."""
        missing = [
            str(self._meta.get_field(name).verbose_name)
            for name in (
                "title",
                "industry",
                "application_field",
                "problem_statement",
                "smart_system_need",
                "contact_name",
                "contact_email",
            )
            if not getattr(self, name)
        ]
        if not self.customisations:
            missing.append(str(self._meta.get_field("customisations").verbose_name))
        present = set(self.documents.values_list("kind", flat=True)) if self.pk else set()
        missing += [str(DocumentKind(kind).label) for kind in REQUIRED_DOCUMENT_KINDS if kind not in present]
        return missing

    @condition(message=lambda case: case.incomplete_message(), code="incomplete")
    def is_complete(self) -> bool:
        """Everything :meth:`missing_for_submission` lists is there (condition of submit and resubmit)."""
        return not self.missing_for_submission()

    def incomplete_message(self) -> str:
        """What is missing, as the refusal of submit / resubmit says it (active language)."""
        items = "、".join(self.missing_for_submission())
        if self.state == S.DOCUMENTS_REQUESTED:
            return gettext("Upload the missing documents first: %(items)s.") % {"items": items}
        return gettext("The case cannot be submitted yet. Missing: %(items)s.") % {"items": items}

    def customisation_labels(self) -> list[str]:
        """Display labels of the chosen customisations (unknown codes shown as stored)."""
        labels = dict(Customisation.choices)
        return [str(labels.get(code, code)) for code in self.customisations]

    # ---- editing ---------------------------------------------------------------------------------------
    def not_editable_message(self) -> str:
        """Why the applicant can no longer edit the case, and when they can again (active language; dates in
        Asia/Taipei, ``Y-m-d``). Shown for a 409 on the edit, upload and document-removal pages and the API."""
        submitted = date_format(timezone.localtime(self.submitted_at), "Y-m-d") if self.submitted_at else ""
        if self.state == S.WITHDRAWN:
            return gettext("This case was withdrawn and can no longer be edited.")
        if self.state in (S.SUBMITTED, S.QUALIFICATION):
            if submitted:
                return gettext(
                    "This case was submitted on %(date)s and can no longer be edited. It can be edited again if "
                    "the office requests more documents."
                ) % {"date": submitted}
            return gettext(
                "This case has been submitted and can no longer be edited. It can be edited again if the office "
                "requests more documents."
            )
        if submitted:
            return gettext(
                "This case was submitted on %(date)s and the qualification review has been decided: it can no "
                "longer be edited."
            ) % {"date": submitted}
        return gettext("This case can no longer be edited.")

    # ---- due date ------------------------------------------------------------------------------------
    def qualification_days_left(self, today: dt.date | None = None) -> int | None:
        """Working days until the qualification due date (0 = due today, negative = overdue); None if not running."""
        if self.qualification_due is None or self.state not in (S.SUBMITTED, S.QUALIFICATION):
            return None
        return working_days_between(today or taipei_today(), self.qualification_due)

    def _start_clock(self, working_days: int) -> None:
        self.qualification_due = add_working_days(taipei_today(), working_days)
        self.qualification_days_remaining = None

    # ---- transitions (named after the business action) -------------------------------------------------
    @transition(
        field=state,
        source=S.DRAFT,
        target=S.SUBMITTED,
        conditions=[is_complete],
        custom={"label": _("Submit")},
        permission=APPLICANT,
    )
    def submit(self, *, by: Any, comment: str = "", reference: str = "", working_days: int | None = None) -> None:
        """Applicant submits: the case gets its number and the qualification clock starts (``working_days``,
        else the tenant's ``config.qualification_working_days``)."""
        self.reference = reference
        self.submitted_at = timezone.now()
        self._start_clock(working_days if working_days is not None else self.tenant.config.qualification_working_days)

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.QUALIFICATION,
        custom={"label": _("Start qualification review")},
        permission=QUALIFIER,
    )
    def start_qualification(self, *, by: Any, comment: str = "") -> None:
        """An office reviewer takes the case for the document review (書審)."""
        self.qualification_reviewer = by

    @transition(
        field=state,
        source=S.QUALIFICATION,
        target=S.DOCUMENTS_REQUESTED,
        custom={"label": _("Request more documents")},
        permission=QUALIFIER,
    )
    def request_documents(self, *, by: Any, comment: str = "") -> None:
        """Back to the applicant for more documents; the clock stops with the working days left kept."""
        left = working_days_between(taipei_today(), self.qualification_due) if self.qualification_due else 0
        self.qualification_days_remaining = max(1, left)
        self.qualification_due = None

    @transition(
        field=state,
        source=S.DOCUMENTS_REQUESTED,
        target=S.QUALIFICATION,
        conditions=[is_complete],
        custom={"label": _("Send the requested documents")},
        permission=APPLICANT,
    )
    def resubmit(self, *, by: Any, comment: str = "") -> None:
        """The applicant sends the requested documents: the clock resumes with the days it had left (≥ 1)."""
        self._start_clock(self.qualification_days_remaining or 1)

    def _decide(self, by: Any) -> None:
        self.qualification_decided_at = timezone.now()
        self.qualification_reviewer = self.qualification_reviewer or by

    @transition(
        field=state,
        source=S.QUALIFICATION,
        target=S.REFERRED,
        conditions=[eligible_for_service, branch_decided, branch_is_referral],
        custom={"label": _("Refer to an external supplier")},
        permission=QUALIFIER,
    )
    def refer(self, *, by: Any, comment: str = "") -> None:
        """媒合轉介: eligible, and an existing external supplier can serve the need (see qualification_branch)."""
        self._decide(by)

    @transition(
        field=state,
        source=S.QUALIFICATION,
        target=S.REFERENCE_DESIGN,
        conditions=[eligible_for_service, branch_decided, branch_is_reference_design],
        custom={"label": _("Use a reference design")},
        permission=QUALIFIER,
    )
    def assign_reference_design(self, *, by: Any, comment: str = "") -> None:
        """The chain cannot serve, 不需客製化 → 使用參考設計 (free service; see qualification_branch)."""
        self._decide(by)

    @transition(
        field=state,
        source=S.QUALIFICATION,
        target=S.PRELIMINARY_REVIEW,
        conditions=[eligible_for_service, branch_decided, branch_is_preliminary],
        custom={"label": _("Proceed to preliminary review")},
        permission=QUALIFIER,
    )
    @transition(
        field=state,
        source=[S.REFERRED, S.REFERENCE_DESIGN],
        target=S.PRELIMINARY_REVIEW,
        custom={"label": _("Proceed to preliminary review")},
        permission=QUALIFIER,
    )
    def proceed_to_preliminary(self, *, by: Any, comment: str = "") -> None:
        """To 初審: from 資格審 when the chain cannot serve and customisation is needed (see
        qualification_branch); from a referral or reference design that did not solve the need (完成? 否)."""
        if self.state == S.QUALIFICATION:
            self._decide(by)

    @transition(
        field=state,
        source=S.QUALIFICATION,
        target=S.CLOSED,
        conditions=[branch_is_not_eligible],
        custom={"label": _("Declare not eligible")},
        permission=QUALIFIER,
    )
    def declare_not_eligible(self, *, by: Any, comment: str = "") -> None:
        """Not eligible: closed with reason not_eligible."""
        self._decide(by)
        self._close(ClosureReason.NOT_ELIGIBLE)

    @transition(
        field=state,
        source=S.PRELIMINARY_REVIEW,
        target=S.FINAL_REVIEW,
        custom={"label": _("Passed the preliminary review")},
        permission=COMMITTEE,
    )
    def pass_preliminary(self, *, by: Any, comment: str = "") -> None:
        """初審 consensus: go to 複審."""

    @transition(
        field=state,
        source=S.PRELIMINARY_REVIEW,
        target=S.CLOSED,
        custom={"label": _("Did not pass the preliminary review")},
        permission=COMMITTEE,
    )
    def fail_preliminary(self, *, by: Any, comment: str = "") -> None:
        self._close(ClosureReason.NOT_PASSED_PRELIMINARY)

    @transition(
        field=state,
        source=S.FINAL_REVIEW,
        target=S.IN_SERVICE,
        custom={"label": _("Passed the final review")},
        permission=COMMITTEE,
    )
    def pass_final(self, *, by: Any, comment: str = "") -> None:
        """複審 passed: platform service (work group, case manager) begins."""

    @transition(
        field=state,
        source=S.FINAL_REVIEW,
        target=S.CLOSED,
        custom={"label": _("Did not pass the final review")},
        permission=COMMITTEE,
    )
    def fail_final(self, *, by: Any, comment: str = "") -> None:
        self._close(ClosureReason.NOT_PASSED_FINAL)

    @transition(
        field=state,
        source=[S.REFERRED, S.REFERENCE_DESIGN, S.IN_SERVICE],
        target=S.CLOSED,
        custom={"label": _("Close as completed")},
        permission=OFFICE,
    )
    def close_completed(self, *, by: Any, comment: str = "") -> None:
        """結案: the referral, reference design or platform service is complete."""
        self._close(ClosureReason.COMPLETED)

    @transition(
        field=state,
        source=S.IN_SERVICE,
        target=S.CLOSED,
        custom={"label": _("Close as terminated")},
        permission=OFFICE,
    )
    def close_terminated(self, *, by: Any, comment: str = "") -> None:
        """結案 (terminated): the platform service ends without completing; the comment is the reason and is
        required (409 ``reason_missing``; nothing is saved)."""
        if not comment.strip():
            raise TransitionRefused(gettext("Give the reason for terminating the service."), code="reason_missing")
        self._close(ClosureReason.TERMINATED)

    @transition(
        field=state,
        source=[S.DRAFT, S.SUBMITTED, S.QUALIFICATION, S.DOCUMENTS_REQUESTED],
        target=S.WITHDRAWN,
        custom={"label": _("Withdraw the case")},
        permission=APPLICANT,
    )
    def withdraw(self, *, by: Any, comment: str = "") -> None:
        """The applicant withdraws the case (撤案)."""
        self.qualification_due = None
        self.closed_at = timezone.now()

    def _close(self, reason: str) -> None:
        self.closure_reason = reason
        self.closed_at = timezone.now()
        self.qualification_due = None


def _document_path(instance: CaseDocument, filename: str) -> str:
    # ``filename`` is already the server-generated name (uploads.check_upload); never the user's name.
    return f"tenant-{instance.tenant_id}/cases/{instance.case_id}/{filename}"


class CaseDocument(TenantOwnedModel):
    """A document uploaded to a case, stored privately under a server-generated name."""

    case = models.ForeignKey(DemandCase, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document type"), max_length=32, choices=DocumentKind.choices)
    file = models.FileField(upload_to=_document_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "uploaded_at", "pk"]
        verbose_name = _("case document")

    def __str__(self) -> str:
        return self.original_name


class NeedsAnalysis(TenantOwnedModel):
    """需求分析: the office's summary of the need after talking to the applicant (seed 000, step 2)."""

    case = models.OneToOneField(DemandCase, on_delete=models.CASCADE, related_name="needs_analysis")
    summary = models.TextField(_("summary of the need"))
    project_types = models.JSONField(_("likely project types"), default=list, blank=True)
    analysed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("needs analysis")

    def project_type_labels(self) -> list[str]:
        labels = dict(ProjectType.choices)
        return [str(labels.get(code, code)) for code in self.project_types]
