"""Work-group pages: list, detail (projects, roles, assignments, milestones, reports, closure), derivation,
assigning partners from the matchmaking ranking, kickoff, milestones, closing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.delivery import queries, services
from cases.delivery.derivation import PROJECT_ROLES
from cases.delivery.forms import AssignmentForm, CloseForm, CommentForm, CompletionForm, KickoffForm, MilestoneForm
from cases.delivery.models import CustomerServiceTicket, ServiceProject
from cases.delivery.views._common import available_actions, flash_error
from cases.queries import get_case_for_user
from platform_site.activity import history
from platform_site.pagination import paginate
from platform_site.rules import can
from platform_site.tenancy import get_for_tenant_or_404
from platform_site.transitions import TransitionRefused
from platform_site.views import tenant_member_required
from review import queries as review_queries
from suppliers import matching
from suppliers.enums import WorkRole

GROUP_ACTIONS = ("form", "kickoff", "propose_completion", "return_completion", "close")
MILESTONE_ACTIONS = ("start", "complete", "cancel")


@tenant_member_required
def group_list(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """The work groups the user may see (office: all; case manager: the ones they lead; applicant: its own)."""
    page = paginate(request, queries.group_list(request.user, request.tenant))
    return render(request, "delivery/group_list.html", {"page": page})


def _group_context(request: HttpRequest, group: Any, **extra: Any) -> dict[str, Any]:
    user = request.user
    detail = queries.group_detail(group)
    office = can(user, "delivery.manage", group)
    lead = can(user, "delivery.lead_or_office_transition", group)
    for milestone in (m for p in detail["projects"] for m in p.milestones.all()):
        milestone.actions = available_actions(milestone, MILESTONE_ACTIONS, user) if lead else []
    for assignment in detail["assignments"]:
        assignment.actions = available_actions(assignment, ("withdraw",), user) if office else []
    return {
        "group": group,
        "case": group.case,
        **detail,
        "office": office,
        "is_lead": can(user, "delivery.edit_report", group),
        "view_hours": can(user, "delivery.view_hours", group),
        "actions": dict(available_actions(group, ("form", "kickoff", "propose_completion", "return_completion"), user)),
        "can_close": office and group.state != "closed",
        "kickoff_form": KickoffForm(),
        "completion_form": CompletionForm(initial={"final_report": group.final_report}),
        "comment_form": CommentForm(),
        "close_form": CloseForm(),
        "milestone_form": MilestoneForm(),
        "project_types": [(code, label) for code, label in _project_type_choices() if code in PROJECT_ROLES],
        "history": history(group) if office or lead else [],
        "uncovered_codes": [code for code, _label in detail["uncovered_roles"]],
        "role_choices": WorkRole.choices,
        "case_managers": list(review_queries.case_managers(group.tenant)) if office else [],
        **extra,
    }


def _project_type_choices() -> list[tuple[str, str]]:
    from cases.enums import ProjectType

    return list(ProjectType.choices)


@tenant_member_required
def group_detail(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    group = queries.get_group_for_user(request.user, request.tenant, pk)
    if not can(request.user, "delivery.view_hours", group):  # applicants see the case page section instead
        return redirect("cases:detail", tenant_slug=tenant_slug, pk=group.case_id)
    return render(request, "delivery/group_detail.html", _group_context(request, group))


def _refused(request: HttpRequest, group: Any, exc: TransitionRefused | ValidationError, **forms: Any) -> HttpResponse:
    status = flash_error(request, exc)
    group.refresh_from_db()
    return render(request, "delivery/group_detail.html", _group_context(request, group, **forms), status=status)


@require_POST
@tenant_member_required
def derive(request: HttpRequest, tenant_slug: str, case_pk: int) -> HttpResponse:
    """Office: derive the case's service projects and open its work group (idempotent)."""
    case = get_case_for_user(request.user, request.tenant, case_pk)
    if not can(request.user, "delivery.manage", request.tenant):
        raise PermissionDenied
    try:
        group = services.derive_service_projects(case, request.user)
    except TransitionRefused as exc:
        messages.error(request, str(exc))
        return redirect("cases:detail", tenant_slug=tenant_slug, pk=case.pk)
    return redirect("delivery:group", tenant_slug=tenant_slug, pk=group.pk)


@tenant_member_required
def assign(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    """Office: assign an approved partner to a required role, chosen from the matchmaking ranking of the group's
    required roles (every approved partner registered for the role, best first)."""
    group = queries.get_group_for_user(request.user, request.tenant, pk, perm="delivery.manage")
    # every required role, also one the office added by hand: every approved partner registered for it, ranked
    candidates = matching.ranking(group.case, roles=group.required_roles())
    form = AssignmentForm(request.POST or None, candidates=candidates)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.propose_assignment(
                    group,
                    request.user,
                    role=data["role"],
                    partner=data["partner"],
                    scope=data["scope"],
                    planned_start=data["planned_start"],
                    planned_end=data["planned_end"],
                    deliverables=data["deliverables"],
                )
            except TransitionRefused as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                messages.success(request, _("Assignment sent to the partner."))
                return redirect("delivery:group", tenant_slug=tenant_slug, pk=group.pk)
        else:
            status = 400
    context = {"group": group, "form": form, "candidates": candidates}
    return render(request, "delivery/assign.html", context, status=status)


@require_POST
@tenant_member_required
def group_action(request: HttpRequest, tenant_slug: str, pk: int, action: str) -> HttpResponse:
    """form / kickoff / propose_completion / return_completion / close (each with its own form)."""
    if action not in GROUP_ACTIONS:
        raise Http404
    group = queries.get_group_for_user(request.user, request.tenant, pk)
    user = request.user
    try:
        if action == "form":
            services.form_group(group, user)
        elif action == "kickoff":
            form = KickoffForm(request.POST)
            if not form.is_valid():
                return _refused(request, group, ValidationError(_("Give the kickoff date.")), kickoff_form=form)
            services.kickoff(group, user, form.cleaned_data["on"])
        elif action == "propose_completion":
            form = CompletionForm(request.POST)
            if not form.is_valid():
                return _refused(request, group, ValidationError(_("Write the final report.")), completion_form=form)
            services.propose_completion(group, user, final_report=form.cleaned_data["final_report"])
        elif action == "return_completion":
            services.return_completion(group, user, comment=request.POST.get("comment", ""))
        else:
            form = CloseForm(request.POST)
            if not form.is_valid():
                errors = [str(e) for field in form.errors.values() for e in field]
                return _refused(request, group, ValidationError(errors), close_form=form)
            data = form.cleaned_data
            services.close_service(
                group,
                user,
                outcome=data["outcome"],
                reason=data["reason"],
                mass_production=data["mass_production"],
                mass_production_on=data["mass_production_on"],
            )
    except TransitionRefused as exc:
        return _refused(request, group, exc)
    messages.success(request, _("Done: the work group is now “%(state)s”.") % {"state": group.get_state_display()})
    return redirect("delivery:group", tenant_slug=tenant_slug, pk=group.pk)


@require_POST
@tenant_member_required
def add_project(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    group = queries.get_group_for_user(request.user, request.tenant, pk, perm="delivery.manage")
    try:
        services.add_project(group, request.user, request.POST.get("project_type", ""))
    except TransitionRefused as exc:
        return _refused(request, group, exc)
    return redirect("delivery:group", tenant_slug=tenant_slug, pk=group.pk)


def _project(request: HttpRequest, pk: int) -> tuple[ServiceProject, Any]:
    project = get_for_tenant_or_404(ServiceProject.objects.all(), pk=pk)
    found = queries.case_group(project.case_id)
    if found is None:
        raise Http404
    return project, queries.get_group_for_user(request.user, request.tenant, found.pk)


@require_POST
@tenant_member_required
def project_roles(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    """Office: adjust the roles of one service project."""
    project, group = _project(request, pk)
    try:
        services.set_project_roles(project, request.user, request.POST.getlist("roles"))
    except TransitionRefused as exc:
        return _refused(request, group, exc)
    return redirect("delivery:group", tenant_slug=tenant_slug, pk=group.pk)


@require_POST
@tenant_member_required
def add_milestone(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    project, group = _project(request, pk)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        return _refused(
            request, group, ValidationError(_("Name the milestone and give its date.")), milestone_form=form
        )
    try:
        services.add_milestone(project, request.user, **form.cleaned_data)
    except TransitionRefused as exc:
        return _refused(request, group, exc)
    return redirect("delivery:group", tenant_slug=tenant_slug, pk=group.pk)


@require_POST
@tenant_member_required
def milestone_action(request: HttpRequest, tenant_slug: str, pk: int, action: str) -> HttpResponse:
    if action not in MILESTONE_ACTIONS:
        raise Http404
    milestone = queries.get_milestone_for_user(request.user, request.tenant, pk)
    found = queries.case_group(milestone.project.case_id)
    if found is None:
        raise Http404
    group = queries.get_group_for_user(request.user, request.tenant, found.pk)
    try:
        services.milestone_transition(milestone, action, request.user)
    except TransitionRefused as exc:
        return _refused(request, group, exc)
    return redirect("delivery:group", tenant_slug=tenant_slug, pk=group.pk)


@require_POST
@tenant_member_required
def set_lead(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    """Office: appoint the case manager leading the group (a user with the case_manager role)."""
    group = queries.get_group_for_user(request.user, request.tenant, pk, perm="delivery.manage")
    lead = review_queries.case_managers(request.tenant).filter(pk=request.POST.get("lead") or 0).first()
    try:
        services.set_lead(group, request.user, lead)
    except TransitionRefused as exc:
        return _refused(request, group, exc)
    return redirect("delivery:group", tenant_slug=tenant_slug, pk=group.pk)


@require_POST
@tenant_member_required
def resolve_ticket(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    """Office: mark a customer-service ticket (專人客服) resolved."""
    if not can(request.user, "delivery.manage", request.tenant):
        raise Http404
    ticket = get_for_tenant_or_404(CustomerServiceTicket.objects.select_related("case"), pk=pk)
    services.resolve_ticket(ticket, request.user, request.POST.get("comment", ""))
    return redirect("cases:detail", tenant_slug=tenant_slug, pk=ticket.case_id)
