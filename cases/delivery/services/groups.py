"""Service projects, the work group (工作小組), partner assignments and milestones (seed
000_9617a3b789ca4d20.txt, 服務流程: 複審通過 → 專案類型 → 組成工作小組 → 個案管理師).

Every function checks its permission (PermissionDenied → 403/404), runs in one transaction and logs. Refusals
the user can act on are :class:`platform_site.transitions.TransitionRefused` (409, translated message, code).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.delivery.derivation import PROJECT_ROLES, derive
from cases.delivery.enums import AssignmentState, TicketState, WorkGroupState
from cases.delivery.models import Assignment, CustomerServiceTicket, Milestone, ServiceProject, WorkGroup
from cases.delivery.schedule import ensure_reports
from cases.enums import CaseState
from platform_site.activity import log_event
from platform_site.actors import SYSTEM, is_system
from platform_site.enums import ActivityAction
from platform_site.rules import can
from platform_site.transitions import TransitionRefused, run_transition
from review.enums import DecisionOutcome, ReviewStage
from review.models import ReviewDecision
from suppliers.enums import OnboardingState, WorkRole

#: Work-group states in which the office may still change projects and assignments.
OPEN_GROUP_STATES = (WorkGroupState.FORMING, WorkGroupState.FORMED, WorkGroupState.ACTIVE)


def _require_office(user: Any, obj: Any) -> None:
    if not (is_system(user) or can(user, "delivery.manage", obj)):
        raise PermissionDenied


def case_manager_of(case: Any) -> int | None:
    """The id of the case manager (個案管理師) the committee appointed in the case's final-review pass decision
    (review.models.ReviewDecision), else None. One query."""
    return (
        ReviewDecision.objects.filter(
            meeting__case=case, meeting__stage=ReviewStage.FINAL, outcome=DecisionOutcome.PASS
        )
        .exclude(case_manager=None)
        .order_by("-pk")
        .values_list("case_manager_id", flat=True)
        .first()
    )


def derive_service_projects(case: Any, user: Any) -> WorkGroup:
    """Derive the case's service projects from its customisation needs (:func:`cases.delivery.derivation.derive`)
    and open its work group, led by the committee's case manager; a need outside the four project types opens a
    customer-service ticket (專人客服). Idempotent: existing projects and an existing ticket are kept (a project
    the office removed is not re-derived once the group exists). Run by the system when the case passes the
    final review (cases.delivery.tasks.derive_after_final_review) or by office staff.

    Raises PermissionDenied; TransitionRefused ``not_in_service`` unless the case is in service.
    """
    _require_office(user, case.tenant)
    if case.state != CaseState.IN_SERVICE:
        raise TransitionRefused(
            _("Service projects start once the case has passed the final review."), code="not_in_service"
        )
    with transaction.atomic():
        group = WorkGroup.objects.select_for_update().filter(case=case).first()
        if group is not None:
            return group
        derivation = derive(list(case.customisations or []))
        for project_type, roles in derivation.projects:
            project = ServiceProject.objects.create(case=case, project_type=project_type, roles=list(roles))
            log_event(project, ActivityAction.CREATED, user, data={"project_type": project_type, "roles": list(roles)})
        if derivation.customer_service and not CustomerServiceTicket.objects.filter(case=case).exists():
            ticket = CustomerServiceTicket.objects.create(
                case=case,
                subject=_("Customer service for %(case)s") % {"case": case.reference or case.title},
                description=case.problem_statement or "",
            )
            log_event(ticket, ActivityAction.CREATED, user, data={"case": case.pk})
        group = WorkGroup.objects.create(case=case, lead_id=case_manager_of(case))
        log_event(group, ActivityAction.CREATED, user, data={"roles": derivation.roles, "lead": group.lead_id})
    return group


def set_lead(group: WorkGroup, user: Any, lead: Any) -> WorkGroup:
    """The office appoints the case manager leading the group when the committee's decision named none (or
    replaces them). 409 ``not_a_case_manager`` unless ``lead`` holds the case_manager role in the tenant."""
    from platform_site.enums import Role
    from platform_site.rules import roles_in

    _require_office(user, group)
    _open_group(group)
    if lead is None or Role.CASE_MANAGER not in roles_in(lead, group.tenant):
        raise TransitionRefused(_("Choose a user with the case manager role."), code="not_a_case_manager")
    with transaction.atomic():
        before = group.lead_id
        group.lead = lead
        group.save(update_fields=["lead"])
        log_event(group, ActivityAction.EDITED, user, data={"changes": {"lead": {"from": before, "to": lead.pk}}})
    return group


def _open_group(group: WorkGroup) -> None:
    if group.state not in OPEN_GROUP_STATES:
        raise TransitionRefused(
            _("This work group is closed or closing; it can no longer change."), code="group_closed"
        )


def add_project(group: WorkGroup, user: Any, project_type: str) -> ServiceProject:
    """The office adds a project type to the case (its default roles); 409 ``duplicate`` if already there."""
    _require_office(user, group)
    if project_type not in PROJECT_ROLES:
        raise TransitionRefused(_("Choose one of the four project types."), code="invalid")
    _open_group(group)
    try:
        with transaction.atomic():
            project = ServiceProject.objects.create(
                case=group.case, project_type=project_type, roles=list(PROJECT_ROLES[project_type])
            )
            log_event(project, ActivityAction.CREATED, user, data={"project_type": project_type})
    except IntegrityError as exc:
        raise TransitionRefused(_("The case already has this project type."), code="duplicate") from exc
    return project


def set_project_roles(project: ServiceProject, user: Any, roles: list[str]) -> ServiceProject:
    """The office adjusts a project's roles (WorkRole codes; stored in ①–⑧ order). 409 for no role or an
    unknown one; logged ``edited`` with the change."""
    _require_office(user, project)
    group = WorkGroup.objects.filter(case_id=project.case_id).first()
    if group is not None:
        _open_group(group)
    wanted = set(roles)
    if not wanted or not wanted <= set(WorkRole.values):
        raise TransitionRefused(_("Choose at least one of the eight roles."), code="invalid")
    ordered = [role for role in WorkRole.values if role in wanted]
    with transaction.atomic():
        before = list(project.roles)
        project.roles = ordered
        project.save(update_fields=["roles"])
        log_event(project, ActivityAction.EDITED, user, data={"changes": {"roles": {"from": before, "to": ordered}}})
    return project


def propose_assignment(
    group: WorkGroup,
    user: Any,
    *,
    role: str,
    partner: Any,
    scope: str,
    planned_start: dt.date,
    planned_end: dt.date,
    deliverables: str,
) -> Assignment:
    """The office assigns the approved partner ``partner`` (suppliers.SupplierProfile) to ``role`` with its scope,
    planned start/end and deliverables; the partner then accepts or declines. 409: group closed, role not
    required, partner not approved for the role, end before start, or the partner already holds an open
    assignment for that role."""
    _require_office(user, group)
    _open_group(group)
    if role not in group.required_roles():
        raise TransitionRefused(
            _("This role is not required by the case's service projects."), code="role_not_required"
        )
    if partner.state != OnboardingState.APPROVED or role not in (partner.roles or []):
        raise TransitionRefused(_("Only an approved partner that takes this role can be assigned."), code="not_partner")
    if planned_end < planned_start:
        raise TransitionRefused(_("The planned end cannot be before the planned start."), code="invalid")
    if not scope.strip() or not deliverables.strip():
        raise TransitionRefused(_("Describe the scope and the deliverables."), code="invalid")
    with transaction.atomic():
        open_states = (AssignmentState.PROPOSED, AssignmentState.ACCEPTED)
        if Assignment.objects.filter(work_group=group, role=role, partner=partner, state__in=open_states).exists():
            raise TransitionRefused(_("This partner already has this role in the work group."), code="duplicate")
        assignment = Assignment.objects.create(
            work_group=group,
            role=role,
            partner=partner,
            scope=scope,
            planned_start=planned_start,
            planned_end=planned_end,
            deliverables=deliverables,
        )
        log_event(assignment, ActivityAction.CREATED, user, data={"role": role, "partner": partner.pk})
    return assignment


def respond_to_assignment(assignment: Assignment, user: Any, *, accept: bool, reason: str = "") -> Assignment:
    """The partner accepts or declines (``reason`` required: 409 ``reason_missing``). The acceptance that covers
    the last uncovered role forms the work group (``form``, by the system, in the same transaction)."""
    reason = (reason or "").strip()
    if not accept and not reason:
        raise TransitionRefused(_("Say why you decline."), code="reason_missing")
    with transaction.atomic():
        if accept:
            run_transition(assignment, "accept", user)
            group = WorkGroup.objects.select_for_update().get(pk=assignment.work_group_id)
            if group.state == WorkGroupState.FORMING and group.has_lead() and group.every_role_covered():
                run_transition(group, "form", SYSTEM)
        else:
            run_transition(assignment, "decline", user, comment=reason, reason=reason)
    return assignment


def withdraw_assignment(assignment: Assignment, user: Any, comment: str = "") -> Assignment:
    """The office withdraws a proposed or accepted assignment (logged with ``comment``)."""
    run_transition(assignment, "withdraw", user, comment=comment)
    return assignment


def form_group(group: WorkGroup, user: Any) -> WorkGroup:
    """Mark the group formed: 409 ``roles_uncovered`` (naming the roles) or ``no_lead`` otherwise."""
    run_transition(group, "form", user)
    return group


def kickoff(group: WorkGroup, user: Any, on: dt.date, *, today: dt.date | None = None) -> WorkGroup:
    """Kick the formed group off on ``on`` (Asia/Taipei date; the first biweekly period starts that day) and create
    the report rows of the periods already begun (cases.delivery.schedule.ensure_reports)."""
    with transaction.atomic():
        run_transition(group, "kickoff", user, on=on)
        ensure_reports(group, today or timezone.localdate())
    return group


def add_milestone(project: ServiceProject, user: Any, *, title: str, planned_on: dt.date) -> Milestone:
    """A milestone of ``project`` (office staff or the group's case manager); logged ``created``."""
    group = WorkGroup.objects.filter(case_id=project.case_id).first()
    if group is None or not can(user, "delivery.lead_or_office_transition", group):
        raise PermissionDenied
    _open_group(group)
    if not title.strip():
        raise TransitionRefused(_("Name the milestone."), code="invalid")
    with transaction.atomic():
        milestone = Milestone.objects.create(project=project, title=title.strip(), planned_on=planned_on)
        log_event(milestone, ActivityAction.CREATED, user, data={"title": milestone.title, "planned_on": planned_on})
    return milestone


MILESTONE_TRANSITIONS = frozenset({"start", "complete", "cancel"})


def milestone_transition(
    milestone: Milestone, name: str, user: Any, *, on: dt.date | None = None, comment: str = ""
) -> Milestone:
    """``start``, ``complete`` (actual date ``on``, default today in Asia/Taipei) or ``cancel`` a milestone."""
    if name not in MILESTONE_TRANSITIONS:
        raise ValueError(f"{name!r} is not a milestone action")
    kwargs = {"on": on or timezone.localdate()} if name == "complete" else {}
    run_transition(milestone, name, user, comment=comment, **kwargs)
    return milestone


def resolve_ticket(ticket: CustomerServiceTicket, user: Any, comment: str = "") -> CustomerServiceTicket:
    """The office resolves a customer-service ticket (logged ``edited``)."""
    _require_office(user, ticket)
    with transaction.atomic():
        ticket.state, ticket.resolved_at = TicketState.RESOLVED, timezone.now()
        ticket.save(update_fields=["state", "resolved_at"])
        log_event(ticket, ActivityAction.EDITED, user, data={"state": TicketState.RESOLVED}, comment=comment)
    return ticket
