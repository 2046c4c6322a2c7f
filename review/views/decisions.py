"""Pages of the committee's decision: the decision form of a meeting (close = decide), release, the minutes PDF,
the applicant's view of its case's meetings and released decisions, the tier-discount table."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from platform_site.rules import can
from platform_site.transitions import TransitionRefused
from platform_site.views import tenant_member_required
from review import minutes as minutes_module
from review import queries, services, subjects
from review.enums import OPEN_MEETING_STATES, ApplicantAttendance, DecisionState, ReviewStage
from review.forms.decisions import DecisionForm, TierDiscountForm
from review.models import ReviewMeeting


def _decision_form(meeting: ReviewMeeting, data: Any = None) -> DecisionForm:
    ratings = sorted({row.local_linkage_rating for row in queries.tier_discount_table()}, reverse=True)
    return DecisionForm(data, meeting=meeting, managers=queries.case_managers(meeting.tenant), ratings=ratings)


def _context(request: HttpRequest, meeting: ReviewMeeting, form: DecisionForm | None = None, **extra: Any) -> dict:
    user = request.user
    decision = getattr(meeting, "decision", None)
    can_decide = can(user, "review.decide", meeting)
    is_open = meeting.state in OPEN_MEETING_STATES
    panel = queries.panel_of(meeting)
    context = {
        "meeting": meeting,
        "case": meeting.case,
        "subject_url": subjects.subject_url(meeting, request.tenant.slug),
        "decision": decision,
        "panel": panel,
        "summary": minutes_module.criterion_summary(meeting),
        "form": (form or _decision_form(meeting)) if is_open and can_decide else None,
        "can_release": can_decide and decision is not None and decision.state == DecisionState.RECORDED,
        "table": queries.tier_discount_table() if meeting.stage == ReviewStage.FINAL else [],
        "needs_in_person": meeting.stage == ReviewStage.FINAL
        and meeting.applicant_attendance != ApplicantAttendance.IN_PERSON,
    }
    context.update(extra)
    return context


@tenant_member_required
def decision_page(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    """GET: the meeting's decision (form while open, recorded decision and minutes after). POST: close the
    meeting with the decision (CTO): 400 for a form error, 409 when the state or a rule refuses."""
    meeting = queries.meeting_for_decision(request.user, request.tenant, pk)
    if request.method != "POST":
        return render(request, "review/decision.html", _context(request, meeting))
    if not can(request.user, "review.decide", meeting):
        raise PermissionDenied
    if meeting.state not in OPEN_MEETING_STATES:
        error = _("This meeting is already closed: its decision was recorded.")
        return render(request, "review/decision.html", _context(request, meeting, error=error), status=409)
    form = _decision_form(meeting, request.POST)
    if not form.is_valid():
        context = _context(request, meeting, form, error=_("Please correct the errors below."))
        return render(request, "review/decision.html", context, status=400)
    try:
        services.close_with_decision(meeting, request.user, **form.cleaned_data)
    except TransitionRefused as exc:
        meeting = queries.meeting_for_decision(request.user, request.tenant, pk)
        live = form if meeting.state in OPEN_MEETING_STATES else None
        return render(request, "review/decision.html", _context(request, meeting, live, error=exc.message), status=409)
    messages.success(request, _("Decision recorded and the meeting closed. The minutes are being produced."))
    return redirect("review:decision", tenant_slug=tenant_slug, pk=pk)


@require_POST
@tenant_member_required
def decision_release(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    """Release the recorded decision to the applicant (CTO); 409 when not recorded or already released."""
    meeting = queries.meeting_for_decision(request.user, request.tenant, pk)
    decision = getattr(meeting, "decision", None)
    if decision is None:
        raise Http404
    try:
        services.release_decision(decision, request.user)
    except TransitionRefused as exc:
        meeting = queries.meeting_for_decision(request.user, request.tenant, pk)
        return render(request, "review/decision.html", _context(request, meeting, error=exc.message), status=409)
    messages.success(request, _("The decision was released to the applicant."))
    return redirect("review:decision", tenant_slug=tenant_slug, pk=pk)


@tenant_member_required
def minutes_download(request: HttpRequest, tenant_slug: str, pk: int) -> FileResponse:
    """The stored minutes PDF (office staff); 404 until the worker has produced it."""
    meeting = queries.meeting_for_decision(request.user, request.tenant, pk)
    decision = getattr(meeting, "decision", None)
    if decision is None or not decision.minutes_pdf:
        raise Http404
    label = (meeting.case.reference or meeting.case_id) if meeting.case_id else meeting.subject_id
    name = f"minutes-{label}-{meeting.stage}-{meeting.round}.pdf"
    return FileResponse(decision.minutes_pdf.open("rb"), content_type="application/pdf", filename=name)


@tenant_member_required
def case_committee(request: HttpRequest, tenant_slug: str, case_pk: int) -> HttpResponse:
    """The applicant's view of the committee's work on its case: meetings (when, how, whether to attend in
    person) and the released decisions with the committee's comments — never scores; expert names only when
    the tenant allows."""
    context = queries.applicant_view(request.user, request.tenant, case_pk)
    return render(request, "review/case_committee.html", context)


@tenant_member_required
def tier_discounts(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """The tenant's tier-discount table (office staff read; CTO or tenant admin edit). A share above 50% is
    refused with a clear error (400) and nothing is saved."""
    tenant = request.tenant
    if not can(request.user, "review.view_tier_discounts", tenant):
        raise PermissionDenied
    can_edit = can(request.user, "review.edit_tier_discounts", tenant)
    rows = queries.tier_discount_table()
    form = TierDiscountForm(request.POST if request.method == "POST" else None, rows=rows)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.update_tier_discounts(request.user, form.table())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Tier-discount table saved."))
                return redirect("review:tier_discounts", tenant_slug=tenant_slug)
        status = 400
    context = {"form": form, "rows": [(row, form.share_field(row)) for row in rows], "can_edit": can_edit}
    return render(request, "review/tier_discounts.html", context, status=status)
