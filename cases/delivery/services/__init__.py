"""The one place that changes service delivery (every write logged): work groups and assignments in
:mod:`.groups`, closure in :mod:`.closing`, biweekly reports in :mod:`.reports`."""

from cases.delivery.services.closing import close_service, propose_completion, return_completion
from cases.delivery.services.groups import (
    add_milestone,
    add_project,
    case_manager_of,
    derive_service_projects,
    form_group,
    kickoff,
    milestone_transition,
    propose_assignment,
    resolve_ticket,
    respond_to_assignment,
    set_lead,
    set_project_roles,
    withdraw_assignment,
)
from cases.delivery.services.reports import (
    acknowledge_report,
    add_attachment,
    return_report,
    save_report,
    submit_report,
)

__all__ = [
    "acknowledge_report",
    "add_attachment",
    "add_milestone",
    "add_project",
    "case_manager_of",
    "close_service",
    "derive_service_projects",
    "form_group",
    "kickoff",
    "milestone_transition",
    "propose_assignment",
    "propose_completion",
    "resolve_ticket",
    "respond_to_assignment",
    "return_completion",
    "return_report",
    "save_report",
    "set_lead",
    "set_project_roles",
    "submit_report",
    "withdraw_assignment",
]
