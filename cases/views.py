"""Demand-case pages: list, intake form, detail with history, documents, decisions, reviewer queue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import hooks, queries, services
from cases.enums import CaseState
from cases.forms import (
    DemandCaseForm,
    DocumentUploadForm,
    NeedsAnalysisForm,
    QualificationDecisionForm,
    TransitionForm,
    WithdrawForm,
)
from cases.models import CaseDocument, DemandCase, NeedsAnalysis
from cases.rules import is_case_applicant
from platform_site.activity import history
from platform_site.enums import Role
from platform_site.pagination import paginate
from platform_site.rules import can, primary_organisation
from platform_site.tenancy import get_for_tenant_or_404
from platform_site.transitions import TransitionRefused, state_refusal
from platform_site.views import tenant_member_required


def _get_case_for_user(request: HttpRequest, pk: Any, perm: str = "cases.view_case") -> DemandCase:
    """:func:`cases.queries.get_case_for_user` for this request's user and tenant (404 / 403)."""
    return queries.get_case_for_user(request.user, request.tenant, pk, perm)


def _not_editable(request: HttpRequest, case: DemandCase) -> HttpResponse | None:
    """None when the user may edit ``case``; for its applicant once it is submitted, the case page with why
    (:meth:`DemandCase.not_editable_message`, HTTP 409); PermissionDenied (403) for anyone else."""
    if can(request.user, "cases.edit_case", case):
        return None
    if is_case_applicant(request.user, case):
        return _refused(request, case, case.not_editable_message())
    raise PermissionDenied


#: Transitions whose form has no comment box (the applicant's submission, taking a case for review).
NO_COMMENT_ACTIONS = frozenset({"submit", "start_qualification"})


def _may_run(case: DemandCase, action: str, user: Any) -> bool:
    """Whether the ``rules`` permission of transition ``action`` admits ``user`` (whatever the state)."""
    meta = getattr(type(case), action)._django_fsm
    return any(t.has_perm(case, user) for t in meta.transitions.values())


def _action_form(name: str, data: Any = None) -> TransitionForm:
    """The form of one action button: its own comment box (ids unique per action); 撤案 also a confirmation."""
    form_class = WithdrawForm if name == "withdraw" else TransitionForm
    return form_class(data, auto_id=f"id_{name}_%s")


@tenant_member_required
def case_list(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    state, search = queries.clean_list_filters(request.GET.get("state"), request.GET.get("q"))
    return render(
        request,
        "cases/case_list.html",
        {
            "page": paginate(request, queries.case_list(request.user, request.tenant, state, search)),
            "states": CaseState.choices,
            "state": state,
            "q": search,
            "can_create": can(request.user, "cases.create_case"),
        },
    )


@tenant_member_required
def review_queue(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """Office reviewers' queue: submitted / under review / waiting for documents, soonest due first."""
    if not can(request.user, "cases.view_queue"):
        raise PermissionDenied
    page = paginate(request, queries.review_queue(request.user, request.tenant))
    return render(request, "cases/review_queue.html", {"page": page})


@tenant_member_required
def case_create(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    if not can(request.user, "cases.create_case"):
        raise PermissionDenied
    if primary_organisation(request.user, request.tenant, Role.APPLICANT) is None:
        raise PermissionDenied
    form = DemandCaseForm(
        request.POST or None,
        initial={"contact_name": request.user.get_full_name(), "contact_email": request.user.email},
    )
    if request.method == "POST" and form.is_valid():
        case = services.create_case(request.user, request.tenant, form.cleaned_data)
        messages.success(request, _("Draft saved. Upload the required documents, then submit."))
        return redirect("cases:detail", tenant_slug=tenant_slug, pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "case": None})


@tenant_member_required
def case_edit(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    case = _get_case_for_user(request, pk)
    refusal = _not_editable(request, case)
    if refusal is not None:
        return refusal
    form = DemandCaseForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_case(case, request.user, form.cleaned_data)
        except TransitionRefused as exc:
            return _refused(request, case, exc)
        messages.success(request, _("Changes saved."))
        return redirect("cases:detail", tenant_slug=tenant_slug, pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "case": case})


def _detail_context(
    request: HttpRequest, case: DemandCase, *, action_forms: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    """The case page: ``actions`` is a list of ``{"transition", "form", "comment"}`` — one form per button,
    each with its own labelled comment box (``action_forms`` replaces a form by name, e.g. a bound one with
    errors). In 資格審 the decisions go through the decision form only (with its checklist)."""
    user = request.user
    actions = []
    for t in case.get_available_user_state_transitions(user):
        if t.name not in services.SIMPLE_TRANSITIONS:
            continue
        if t.name == "proceed_to_preliminary" and case.state == CaseState.QUALIFICATION:
            continue
        form = (action_forms or {}).get(t.name) or _action_form(t.name)
        actions.append({"transition": t, "form": form, "comment": t.name not in NO_COMMENT_ACTIONS})
    analysis = queries.needs_analysis_of(case)
    can_decide = case.state == CaseState.QUALIFICATION and can(user, "cases.decide_qualification", case)
    context = {
        "case": case,
        "documents": queries.case_documents(case),
        "history": history(case),
        "actions": actions,
        "can_edit": can(user, "cases.edit_case", case),
        "can_analyse": can(user, "cases.record_needs_analysis", case),
        "can_view_analysis": can(user, "cases.view_needs_analysis", case),
        "analysis": analysis,
        "upload_form": DocumentUploadForm(),
        "decision_form": QualificationDecisionForm(case=case) if can_decide else None,
        "case_sections": hooks.render_case_sections(request, case),
        "missing": case.missing_for_submission()
        if case.state in (CaseState.DRAFT, CaseState.DOCUMENTS_REQUESTED)
        else [],
    }
    context.update(extra)
    return context


@tenant_member_required
def case_detail(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    case = queries.get_case_for_user(request.user, request.tenant, pk, with_analysis=True)
    return render(request, "cases/case_detail.html", _detail_context(request, case))


def _refused(
    request: HttpRequest,
    case: DemandCase,
    refusal: TransitionRefused | str,
    *,
    status: int = 409,
    action_forms: dict[str, Any] | None = None,
    **forms: Any,
) -> HttpResponse:
    """Re-render the case as it is now with the refusal explained; HTTP 409 Conflict (``status``: 400 for a
    form error).

    What the user typed is kept in forms that are still live in the current state; a form the state no
    longer offers (a decision from a stale tab on a case already decided) is not shown again.
    """
    case.refresh_from_db()
    context = _detail_context(request, case, action_forms=action_forms, error=getattr(refusal, "message", refusal))
    if context["decision_form"] is None:
        forms.pop("decision_form", None)
    context.update(forms)
    return render(request, "cases/case_detail.html", context, status=status)


@require_POST
@tenant_member_required
def case_transition(request: HttpRequest, tenant_slug: str, pk: int, action: str) -> HttpResponse:
    case = _get_case_for_user(request, pk)
    if action not in services.SIMPLE_TRANSITIONS:
        raise Http404
    form = _action_form(action, request.POST)
    if not form.is_valid():
        if not _may_run(case, action, request.user):
            raise PermissionDenied  # a form error would tell a user who may not act about the form
        if not getattr(type(case), action)._django_fsm.has_transition(case.state):
            return _refused(request, case, state_refusal(case, action))  # 409: the state, not the form, says no
        message = _("Please correct the errors below.")
        return _refused(request, case, message, status=400, action_forms={action: form})
    try:
        services.transition_case(case, action, request.user, comment=form.cleaned_data["comment"])
    except TransitionRefused as exc:
        return _refused(request, case, exc, action_forms={action: form})
    messages.success(request, _("Done: the case is now “%(state)s”.") % {"state": case.get_state_display()})
    return redirect("cases:detail", tenant_slug=tenant_slug, pk=case.pk)


@require_POST
@tenant_member_required
def qualification_decide(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    case = _get_case_for_user(request, pk, "cases.decide_qualification")
    form = QualificationDecisionForm(request.POST, case=case)
    if not form.is_valid():
        return _refused(request, case, _("Please correct the errors in the decision form."), decision_form=form)
    try:
        services.decide_qualification(case, request.user, **form.cleaned_data)
    except TransitionRefused as exc:
        return _refused(request, case, exc, decision_form=form)
    messages.success(
        request, _("Decision recorded: the case is now “%(state)s”.") % {"state": case.get_state_display()}
    )
    return redirect("cases:detail", tenant_slug=tenant_slug, pk=case.pk)


@require_POST
@tenant_member_required
def document_upload(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    case = _get_case_for_user(request, pk)
    refusal = _not_editable(request, case)
    if refusal is not None:
        return refusal
    form = DocumentUploadForm(request.POST, request.FILES, max_bytes=request.tenant.config.upload_max_bytes)
    if form.is_valid():
        try:
            services.add_document(case, request.user, form.cleaned_data["kind"], form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
    if form.errors:
        context = _detail_context(request, case, upload_form=form)
        return render(request, "cases/case_detail.html", context, status=400)
    messages.success(request, _("Document uploaded."))
    return redirect("cases:detail", tenant_slug=tenant_slug, pk=case.pk)


def _get_document(request: HttpRequest, pk: int, doc_pk: Any, perm: str) -> CaseDocument:
    case = _get_case_for_user(request, pk, perm)
    document = get_for_tenant_or_404(CaseDocument.objects.filter(case=case), pk=doc_pk)
    document.case = case
    return document


@tenant_member_required
def document_download(request: HttpRequest, tenant_slug: str, pk: int, doc_pk: int) -> FileResponse:
    """Stream a private document to an authorised user (as an attachment, never rendered inline)."""
    document = _get_document(request, pk, doc_pk, "cases.view_case")
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@tenant_member_required
def document_delete(request: HttpRequest, tenant_slug: str, pk: int, doc_pk: int) -> HttpResponse:
    document = _get_document(request, pk, doc_pk, "cases.view_case")
    refusal = _not_editable(request, document.case)
    if refusal is not None:
        return refusal
    services.delete_document(document, request.user)
    messages.success(request, _("Document removed."))
    return redirect("cases:detail", tenant_slug=tenant_slug, pk=pk)


@tenant_member_required
def needs_analysis_edit(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    case = _get_case_for_user(request, pk, "cases.record_needs_analysis")
    existing = NeedsAnalysis.objects.filter(case=case).first()
    initial = {"summary": existing.summary, "project_types": existing.project_types} if existing else {}
    form = NeedsAnalysisForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.record_needs_analysis(case, request.user, **form.cleaned_data)
        messages.success(request, _("Needs analysis saved."))
        return redirect("cases:detail", tenant_slug=tenant_slug, pk=case.pk)
    return render(request, "cases/needs_analysis_form.html", {"form": form, "case": case})
