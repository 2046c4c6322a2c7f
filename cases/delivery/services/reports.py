"""Biweekly progress reports (每兩週填報個案進度, seed 000_9617a3b789ca4d20.txt): the case manager edits and submits,
the office acknowledges or returns with comments. The hours per role saved here are what NRE billing charges
(cases.delivery.queries.billable_hours)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from cases.delivery.enums import EDITABLE_STATES, ReportState
from cases.delivery.models import Milestone, MilestoneProgress, ProgressReport, ReportAttachment, ReportHours
from platform_site.activity import log_event
from platform_site.enums import ActivityAction
from platform_site.rules import can
from platform_site.transitions import TransitionRefused, run_transition
from platform_site.uploads import check_upload
from platform_site.workflow import load_row
from suppliers.enums import WorkRole

MAX_HOURS = Decimal("99999.99")
TEXT_FIELDS = ("work_done", "issues_risks", "next_steps")


def clean_hours(hours: dict[str, Any]) -> dict[str, Decimal]:
    """``{WorkRole code: hours}`` → Decimals rounded to 0.01; raises ValidationError (translated) for an unknown
    role, a non-number, a negative value or more than 99 999.99 hours."""
    cleaned: dict[str, Decimal] = {}
    for role, raw in hours.items():
        if role not in WorkRole.values:
            raise ValidationError(_("Unknown role: %(role)s") % {"role": role}, code="invalid_role")
        if raw in (None, ""):
            continue
        try:
            value = Decimal(str(raw))
        except InvalidOperation as exc:
            raise ValidationError(_("Hours must be a number."), code="invalid") from exc
        if not value.is_finite():
            raise ValidationError(_("Hours must be a number."), code="invalid")
        if value < 0:
            raise ValidationError(_("Hours cannot be negative."), code="negative_hours")
        if value > MAX_HOURS:
            raise ValidationError(_("Hours cannot exceed 99,999.99."), code="too_many_hours")
        cleaned[role] = value.quantize(Decimal("0.01"))
    return cleaned


def _clean_progress(report: ProgressReport, progress: dict[Any, Any]) -> dict[int, int]:
    allowed = set(Milestone.objects.filter(project__case_id=report.work_group.case_id).values_list("pk", flat=True))
    cleaned: dict[int, int] = {}
    for key, raw in progress.items():
        try:
            milestone_id, percent = int(key), int(raw)
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("Progress must be a whole percentage."), code="invalid") from exc
        if milestone_id not in allowed:
            raise ValidationError(_("Unknown milestone."), code="invalid_milestone")
        if not 0 <= percent <= 100:
            raise ValidationError(_("Progress must be between 0 and 100 %."), code="invalid_percent")
        cleaned[milestone_id] = percent
    return cleaned


def save_report(
    report: ProgressReport,
    user: Any,
    *,
    work_done: str = "",
    issues_risks: str = "",
    next_steps: str = "",
    hours: dict[str, Any] | None = None,
    progress: dict[Any, Any] | None = None,
) -> ProgressReport:
    """The lead saves the report (a ``due`` report becomes ``draft``): texts, ``hours`` {WorkRole: hours ≥ 0}
    (replacing the report's rows; blank = none) and ``progress`` {milestone id: 0–100}. Logged ``edited``.

    Raises PermissionDenied (not the group's case manager), ValidationError (translated: negative hours, …),
    TransitionRefused ``not_editable`` (submitted or acknowledged)."""
    if not can(user, "delivery.edit_report", report):
        raise PermissionDenied
    hour_rows = clean_hours(hours or {})
    progress_rows = _clean_progress(report, progress or {})
    with transaction.atomic():
        fresh = ProgressReport.objects.select_for_update().get(pk=report.pk)
        load_row(report, fresh)
        if report.state not in EDITABLE_STATES:
            raise TransitionRefused(
                _("This report has been handed in and can no longer be edited."), code="not_editable"
            )
        texts = {"work_done": work_done.strip(), "issues_risks": issues_risks.strip(), "next_steps": next_steps.strip()}
        for name, value in texts.items():
            setattr(report, name, value)
        if report.state == ReportState.DUE:
            run_transition(report, "start", user, changes=texts)
        else:
            report.save(update_fields=list(texts))
        ReportHours.objects.filter(report=report).delete()
        ReportHours.objects.bulk_create(
            [ReportHours(tenant_id=report.tenant_id, report=report, role=r, hours=h) for r, h in hour_rows.items()]
        )
        MilestoneProgress.objects.filter(report=report).delete()
        MilestoneProgress.objects.bulk_create(
            [
                MilestoneProgress(tenant_id=report.tenant_id, report=report, milestone_id=m, percent=p)
                for m, p in progress_rows.items()
            ]
        )
        data = {
            "hours": {role: str(value) for role, value in hour_rows.items()},
            "progress": {str(m): p for m, p in progress_rows.items()},
        }
        log_event(report, ActivityAction.EDITED, user, data=data)
    return report


def submit_report(report: ProgressReport, user: Any, comment: str = "") -> ProgressReport:
    """The lead submits (409 ``work_done_missing`` without the work done)."""
    run_transition(report, "submit", user, comment=comment)
    return report


def acknowledge_report(report: ProgressReport, user: Any, comment: str = "") -> ProgressReport:
    """The office acknowledges a submitted report (its hours become billable)."""
    run_transition(report, "acknowledge", user, comment=comment)
    return report


def return_report(report: ProgressReport, user: Any, comment: str) -> ProgressReport:
    """The office returns a submitted report with ``comment`` (409 ``comment_missing`` when blank)."""
    if not (comment or "").strip():
        raise TransitionRefused(_("Write what must change before you return the report."), code="comment_missing")
    run_transition(report, "return_report", user, comment=comment.strip())
    return report


def add_attachment(report: ProgressReport, user: Any, upload: UploadedFile) -> ReportAttachment:
    """Attach a checked file (platform_site.uploads.check_upload: type by content, size limit) to an editable
    report. Raises PermissionDenied, ValidationError (rejected file), TransitionRefused ``not_editable``."""
    if not can(user, "delivery.edit_report", report):
        raise PermissionDenied
    if report.state not in EDITABLE_STATES:
        raise TransitionRefused(_("This report has been handed in and can no longer be edited."), code="not_editable")
    checked = check_upload(upload, report.tenant.config.upload_max_bytes)
    attachment = ReportAttachment(
        tenant=report.tenant,
        report=report,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=upload.size,
        uploaded_by=user,
    )
    attachment.file.save(checked.storage_name, upload, save=False)
    try:
        with transaction.atomic():
            attachment.save()
            log_event(
                report,
                ActivityAction.DOCUMENT_UPLOADED,
                user,
                data={"attachment": attachment.pk, "name": attachment.original_name},
            )
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment
