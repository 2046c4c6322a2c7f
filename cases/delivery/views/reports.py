"""Progress-report and assignment pages: the report list (due / overdue in red), the report page (edit with
hours per role, submit; acknowledge or return for the office; hours hidden from the applicant), attachments,
the partner's assignments with accept / decline."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.delivery import queries, services
from cases.delivery.enums import EDITABLE_STATES
from cases.delivery.forms import AttachmentForm, CommentForm, ReasonForm, ReportForm
from cases.delivery.models import Milestone, ReportAttachment
from cases.delivery.views._common import available_actions, flash_error
from platform_site.activity import history
from platform_site.pagination import paginate
from platform_site.rules import can
from platform_site.tenancy import get_for_tenant_or_404
from platform_site.transitions import TransitionRefused
from platform_site.views import tenant_member_required

REPORT_ACTIONS = ("submit", "acknowledge", "return_report")
ASSIGNMENT_ACTIONS = ("accept", "decline", "withdraw")


@tenant_member_required
def report_list(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """Reports the user may see, by due date; ``?open=1`` only those not handed in. Overdue rows in red."""
    qs = queries.report_list(request.user, request.tenant)
    if request.GET.get("open"):
        qs = qs.filter(state__in=sorted(EDITABLE_STATES))
    page = paginate(request, qs)
    return render(request, "delivery/report_list.html", {"page": page, "today": timezone.localdate()})


def _report_form(report: Any, data: Any = None) -> ReportForm:
    group = report.work_group
    milestones = list(Milestone.objects.filter(project__case_id=group.case_id).order_by("planned_on", "pk"))
    initial: dict[str, Any] = {
        "work_done": report.work_done,
        "issues_risks": report.issues_risks,
        "next_steps": report.next_steps,
    }
    initial |= {f"hours_{row.role}": row.hours for row in report.hours.all()}
    initial |= {f"progress_{row.milestone_id}": row.percent for row in report.milestone_progress.all()}
    return ReportForm(data, initial=initial, roles=group.required_roles(), milestones=milestones)


def _report_context(request: HttpRequest, report: Any, **extra: Any) -> dict[str, Any]:
    user = request.user
    view_hours = can(user, "delivery.view_hours", report)
    editable = can(user, "delivery.edit_report", report) and report.state in EDITABLE_STATES
    progress = list(report.milestone_progress.select_related("milestone"))
    return {
        "report": report,
        "case": report.work_group.case,
        "group": report.work_group,
        "view_hours": view_hours,
        "hours": queries.report_hours(report) if view_hours else [],
        "progress": progress,
        "attachments": list(report.attachments.all()) if view_hours else [],
        "editable": editable,
        "form": extra.pop("form", None) or (_report_form(report) if editable else None),
        "attachment_form": AttachmentForm(),
        "comment_form": CommentForm(),
        "actions": available_actions(report, REPORT_ACTIONS, user),
        "overdue": report.is_overdue(),
        "history": history(report) if view_hours else [],
        **extra,
    }


@tenant_member_required
def report_detail(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    report = queries.get_report_for_user(request.user, request.tenant, pk)
    return render(request, "delivery/report_detail.html", _report_context(request, report))


def _refused(request: HttpRequest, report: Any, exc: TransitionRefused | ValidationError, **extra: Any) -> HttpResponse:
    status = flash_error(request, exc)
    report.refresh_from_db()
    return render(request, "delivery/report_detail.html", _report_context(request, report, **extra), status=status)


@require_POST
@tenant_member_required
def report_edit(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    """The case manager saves the report (and submits it when the "submit" button was pressed)."""
    report = queries.get_report_for_user(request.user, request.tenant, pk)
    if not can(request.user, "delivery.edit_report", report):
        raise PermissionDenied
    form = _report_form(report, request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return render(request, "delivery/report_detail.html", _report_context(request, report, form=form), status=400)
    try:
        services.save_report(report, request.user, **form.service_arguments())
        if "submit" in request.POST:
            services.submit_report(report, request.user)
    except (TransitionRefused, ValidationError) as exc:
        return _refused(request, report, exc, form=form)
    messages.success(request, _("Report submitted.") if "submit" in request.POST else _("Report saved."))
    return redirect("delivery:report", tenant_slug=tenant_slug, pk=report.pk)


@require_POST
@tenant_member_required
def report_action(request: HttpRequest, tenant_slug: str, pk: int, action: str) -> HttpResponse:
    if action not in REPORT_ACTIONS:
        raise Http404
    report = queries.get_report_for_user(request.user, request.tenant, pk)
    comment = request.POST.get("comment", "")
    try:
        if action == "submit":
            services.submit_report(report, request.user, comment)
        elif action == "acknowledge":
            services.acknowledge_report(report, request.user, comment)
        else:
            services.return_report(report, request.user, comment)
    except TransitionRefused as exc:
        return _refused(request, report, exc)
    messages.success(request, _("Done: the report is now “%(state)s”.") % {"state": report.get_state_display()})
    return redirect("delivery:report", tenant_slug=tenant_slug, pk=report.pk)


@require_POST
@tenant_member_required
def attachment_upload(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    report = queries.get_report_for_user(request.user, request.tenant, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, report, ValidationError(_("Choose a file to attach.")))
    try:
        services.add_attachment(report, request.user, form.cleaned_data["file"])
    except (TransitionRefused, ValidationError) as exc:
        return _refused(request, report, exc)
    return redirect("delivery:report", tenant_slug=tenant_slug, pk=report.pk)


@tenant_member_required
def attachment_download(request: HttpRequest, tenant_slug: str, pk: int, att_pk: int) -> FileResponse:
    report = queries.get_report_for_user(request.user, request.tenant, pk)
    if not can(request.user, "delivery.view_hours", report):
        raise Http404
    attachment = get_for_tenant_or_404(ReportAttachment.objects.filter(report=report), pk=att_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@tenant_member_required
def assignment_list(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """A partner's own assignments (office and case managers: those they may see)."""
    page = paginate(request, queries.assignment_list(request.user, request.tenant))
    return render(request, "delivery/assignment_list.html", {"page": page})


def _assignment_context(request: HttpRequest, assignment: Any, **extra: Any) -> dict[str, Any]:
    return {
        "assignment": assignment,
        "actions": available_actions(assignment, ASSIGNMENT_ACTIONS, request.user),
        "reason_form": extra.pop("reason_form", None) or ReasonForm(),
        **extra,
    }


@tenant_member_required
def assignment_detail(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    assignment = queries.get_assignment_for_user(request.user, request.tenant, pk)
    return render(request, "delivery/assignment_detail.html", _assignment_context(request, assignment))


@require_POST
@tenant_member_required
def assignment_action(request: HttpRequest, tenant_slug: str, pk: int, action: str) -> HttpResponse:
    """The partner accepts / declines (with a reason); the office withdraws."""
    if action not in ASSIGNMENT_ACTIONS:
        raise Http404
    assignment = queries.get_assignment_for_user(request.user, request.tenant, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    try:
        if action == "withdraw":
            services.withdraw_assignment(assignment, request.user, reason)
        else:
            services.respond_to_assignment(assignment, request.user, accept=action == "accept", reason=reason)
    except TransitionRefused as exc:
        status = flash_error(request, exc)
        assignment.refresh_from_db()
        context = _assignment_context(request, assignment, reason_form=form)
        return render(request, "delivery/assignment_detail.html", context, status=status)
    messages.success(request, _("Done: the assignment is now “%(state)s”.") % {"state": assignment.get_state_display()})
    return redirect("delivery:assignment", tenant_slug=tenant_slug, pk=assignment.pk)
