"""Verification-lab pages: preset library, requests, request form, status (htmx progress), results, certificate.

Only in a verification-lab tenant (another kind of tenant gets 404). Every object is fetched through
:func:`get_request_for_user`: 404 when the user may not see it, 403 when they may see but not act.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hwsim import labels, queries, reports, services
from hwsim.enums import JobState
from hwsim.forms import VerificationRequestForm
from hwsim.models import RequestPlatform, VerificationJob, VerificationRequest
from hwsim.presentation import results_view
from platform_site.activity import history
from platform_site.enums import TenantKind
from platform_site.pagination import paginate
from platform_site.rules import can
from platform_site.transitions import TransitionRefused
from platform_site.views import tenant_member_required


def lab_member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """tenant_member_required, and the tenant must be a verification lab (else 404)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.tenant.kind != TenantKind.VERIFICATION_LAB:
            raise Http404
        return view(request, *args, **kwargs)

    return tenant_member_required(wrapper)


def get_request_for_user(http_request: HttpRequest, pk: Any, perm: str = "hwsim.view_request") -> VerificationRequest:
    """:func:`hwsim.queries.get_request_for_user` for this request's user and tenant (404 / 403)."""
    return queries.get_request_for_user(http_request.user, http_request.tenant, pk, perm)


@lab_member_required
def preset_list(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """The lab's platform library (every member may browse it)."""
    return render(request, "hwsim/preset_list.html", {"page": paginate(request, queries.preset_library())})


@lab_member_required
def request_list(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    state = request.GET.get("state", "")
    qs = queries.request_list(request.user, request.tenant, state)
    return render(
        request,
        "hwsim/request_list.html",
        {
            "page": paginate(request, qs),
            "states": JobState.choices,
            "state": state,
            "can_create": can(request.user, "hwsim.create_request"),
        },
    )


@lab_member_required
def request_create(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    if not can(request.user, "hwsim.create_request"):
        raise PermissionDenied
    can_choose_org = can(request.user, "hwsim.choose_requester_org")
    form = VerificationRequestForm(request.POST or None, can_choose_org=can_choose_org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        vr = services.create_request(
            request.user,
            title=data["title"],
            presets=list(data["platforms"]),
            workloads=data["workloads"],
            scenarios=data["scenarios"],
            seed=data["seed"],
            quick=data["quick"],
            requester_org=services.requester_organisation(request.user, request.tenant, data.get("requester_org")),
        )
        messages.success(request, _("Request submitted: the simulation is queued."))
        return redirect("hwsim:detail", tenant_slug=tenant_slug, pk=vr.pk)
    return render(request, "hwsim/request_form.html", {"form": form}, status=400 if form.errors else 200)


def _detail_context(http_request: HttpRequest, vr: VerificationRequest, **extra: Any) -> dict[str, Any]:
    job = queries.latest_job(vr)
    user = http_request.user
    report = reports.report_of(job) if job is not None and job.state == JobState.SUCCEEDED else None
    context = {
        "vr": vr,
        "job": job,
        "report": report,
        "preparing": bool(job and job.state == JobState.SUCCEEDED and report is None),
        "job_message": labels.progress_message(job.message) if job else "",
        "time_left": labels.duration(job.seconds_left()) if job and job.state == JobState.RUNNING else "",
        "workloads": [labels.workload_label(w["key"], w["batch"]) for w in vr.workloads],
        "scenarios": ", ".join(labels.scenario_name(code) for code in vr.scenarios),
        "platforms": [link.preset for link in RequestPlatform.objects.filter(request=vr).select_related("preset")],
        "history": history(vr, VerificationJob.objects.filter(request=vr)),  # lazy: the status poll never reads it
        "can_cancel": bool(job and not job.is_terminal and can(user, "hwsim.cancel_job", job)),
        "can_submit": can(user, "hwsim.submit_request", vr) and services.submit_refusal(vr) is None,
        "can_download": bool(report and can(user, "hwsim.download_certificate", vr)),
    }
    context.update(extra)
    return context


@lab_member_required
def request_detail(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    vr = get_request_for_user(request, pk)
    return render(request, "hwsim/request_detail.html", _detail_context(request, vr))


@lab_member_required
def job_status(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    """The status/progress partial; htmx polls it every second while the job is queued or running."""
    vr = get_request_for_user(request, pk)
    return render(request, "hwsim/_job_status.html", _detail_context(request, vr))


def _refused(http_request: HttpRequest, vr: VerificationRequest, message: str) -> HttpResponse:
    """Re-render the request as it is now with the refusal explained; HTTP 409 Conflict."""
    return render(
        http_request, "hwsim/request_detail.html", _detail_context(http_request, vr, error=message), status=409
    )


@require_POST
@lab_member_required
def request_cancel(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    vr = get_request_for_user(request, pk)
    job = queries.latest_job(vr)
    if job is None:
        return _refused(request, vr, _("There is no job to cancel."))
    try:
        services.cancel(job, request.user, comment=request.POST.get("comment", "")[:4000])
    except TransitionRefused as exc:
        return _refused(request, vr, exc.message)
    messages.success(request, _("The job was cancelled."))
    return redirect("hwsim:detail", tenant_slug=tenant_slug, pk=vr.pk)


@require_POST
@lab_member_required
def request_submit(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    """Run the request again (after a failed or cancelled job)."""
    vr = get_request_for_user(request, pk, "hwsim.submit_request")
    try:
        services.submit(vr, request.user)
    except TransitionRefused as exc:
        return _refused(request, vr, exc.message)
    messages.success(request, _("Request submitted: the simulation is queued."))
    return redirect("hwsim:detail", tenant_slug=tenant_slug, pk=vr.pk)


@lab_member_required
def request_results(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    """The results with their stored charts (built by the worker; this view builds nothing)."""
    vr = get_request_for_user(request, pk)
    job = queries.succeeded_job(vr)
    report = reports.report_of(job)
    if job is None or report is None:
        messages.info(request, _("The results are not available yet."))
        return redirect("hwsim:detail", tenant_slug=tenant_slug, pk=vr.pk)
    context = {
        "vr": vr,
        "job": job,
        "report": report,
        "view": results_view(job.results, reports.charts_in(report, get_language())),
        "can_download": can(request.user, "hwsim.download_certificate", vr),
        "verify_path": reports.verification_path(request.tenant, report.report_number),
    }
    return render(request, "hwsim/results.html", context)


@lab_member_required
def certificate_download(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    """The stored PDF certificate (requester's organisation and lab staff only): the same bytes every time."""
    vr = get_request_for_user(request, pk, "hwsim.download_certificate")
    report = reports.report_of(queries.succeeded_job(vr))
    if report is None:
        raise Http404
    response = HttpResponse(reports.certificate_bytes(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.report_number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["ETag"] = f'"{report.certificate_sha256}"'
    response["Cache-Control"] = "private, no-transform"
    return response
