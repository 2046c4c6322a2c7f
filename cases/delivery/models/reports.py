"""Biweekly progress reports (每兩週填報個案進度, seed 000_9617a3b789ca4d20.txt) with the platform team's hours per
role — the one source of truth NRE billing charges (cases.delivery.queries.billable_hours).

The schedule (periods, due dates, overdue) is in :mod:`cases.delivery.schedule`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from cases.delivery.enums import UNSUBMITTED_STATES
from cases.delivery.enums import ReportState as R
from cases.delivery.models.groups import LEAD, OFFICE, Milestone, WorkGroup
from platform_site.tenancy import TenantOwnedModel
from platform_site.workflow import StateMachineMixin, condition
from suppliers.enums import WorkRole


class ProgressReport(StateMachineMixin, TenantOwnedModel):
    """Report ``number`` (1, 2, …) of a work group for the period [``period_start``, ``period_end``] (14
    calendar days), due on ``due_on`` (a Taiwan working day). Text fields: work done, issues and risks, next
    steps; ``office_comments`` when returned. Rows exist for every period that has begun, filed or not."""

    work_group = models.ForeignKey(WorkGroup, on_delete=models.CASCADE, related_name="reports")
    number = models.PositiveSmallIntegerField(_("report number"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_on = models.DateField(_("due date"))
    state = FSMField(_("status"), default=R.DUE, choices=R.choices, protected=True, db_index=True)
    work_done = models.TextField(_("work done"), blank=True)
    issues_risks = models.TextField(_("issues and risks"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    office_comments = models.TextField(_("office comments"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["work_group", "number"]
        verbose_name = _("progress report")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "work_group", "number"], name="delivery_report_unique_number"),
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")), name="report_period"),
        ]
        indexes = [models.Index(fields=["tenant", "state", "due_on"], name="delivery_report_due_idx")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """ "Progress report 3 (2027-01-18 – 2027-01-31)" (translated)."""
        return str(
            _("Progress report %(number)s (%(start)s – %(end)s)")
            % {"number": self.number, "start": self.period_start.isoformat(), "end": self.period_end.isoformat()}
        )

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Never handed in (due or draft) and ``today`` (Asia/Taipei) is after the due date."""
        today = today or timezone.localdate()
        return self.state in UNSUBMITTED_STATES and today > self.due_on

    @condition(message=_("Describe the work done before you submit."), code="work_done_missing")
    def has_work_done(self) -> bool:
        return bool(self.work_done.strip())

    @transition(field=state, source=R.DUE, target=R.DRAFT, permission=LEAD, custom={"label": _("Start the report")})
    def start(self, *, by: Any, comment: str = "") -> None:
        """The case manager saves the report for the first time."""

    @transition(
        field=state,
        source=[R.DUE, R.DRAFT, R.RETURNED],
        target=R.SUBMITTED,
        conditions=[has_work_done],
        permission=LEAD,
        custom={"label": _("Submit")},
    )
    def submit(self, *, by: Any, comment: str = "") -> None:
        self.submitted_at = timezone.now()

    @transition(
        field=state, source=R.SUBMITTED, target=R.ACKNOWLEDGED, permission=OFFICE, custom={"label": _("Acknowledge")}
    )
    def acknowledge(self, *, by: Any, comment: str = "") -> None:
        self.acknowledged_at = timezone.now()

    @transition(field=state, source=R.SUBMITTED, target=R.RETURNED, permission=OFFICE, custom={"label": _("Return")})
    def return_report(self, *, by: Any, comment: str = "") -> None:
        """Returned with the office's comments (``comment``, required by the service)."""
        self.office_comments = comment


class ReportHours(TenantOwnedModel):
    """Hours the platform team spent on ``role`` in the report's period: Decimal, ≥ 0, two decimal places."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="hours")
    role = models.CharField(_("role"), max_length=32, choices=WorkRole.choices)
    hours = models.DecimalField(
        _("hours"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        ordering = ["report", "role"]
        verbose_name = _("hours per role")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "report", "role"], name="delivery_hours_unique_role"),
            models.CheckConstraint(condition=models.Q(hours__gte=0), name="delivery_hours_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.hours}"


class MilestoneProgress(TenantOwnedModel):
    """A report's progress on one milestone, in percent (0–100)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="milestone_progress")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="+")
    percent = models.PositiveSmallIntegerField(_("progress (%)"), validators=[MaxValueValidator(100)])

    class Meta:
        ordering = ["report", "milestone"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "report", "milestone"], name="delivery_progress_unique"),
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="delivery_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.milestone_id}: {self.percent}%"


def _attachment_path(instance: ReportAttachment, filename: str) -> str:
    # ``filename`` is the server-generated name (platform_site.uploads.check_upload), never the user's.
    return f"tenant-{instance.tenant_id}/delivery/{instance.report_id}/{filename}"


class ReportAttachment(TenantOwnedModel):
    """A file attached to a progress report, stored privately under a server-generated name."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("report attachment")

    def __str__(self) -> str:
        return self.original_name
