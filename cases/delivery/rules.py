"""Who may do what in service delivery (seed 000_9617a3b789ca4d20.txt, 服務流程: the office forms the work group,
partners accept their assignments, the case manager 個案管理師 leads and files the biweekly reports).

Objects: a WorkGroup, or anything with ``work_group`` (Assignment, ProgressReport) or ``project.case`` (Milestone).
"""

from __future__ import annotations

from typing import Any

import rules

from cases.rules import is_case_applicant
from platform_site.actors import is_system
from platform_site.enums import Role
from platform_site.rules import has_role, is_member, is_office_staff, organizations_in


def _group_of(obj: Any) -> Any:
    if obj is None:
        return None
    if hasattr(obj, "lead_id"):
        return obj
    if hasattr(obj, "work_group"):
        return obj.work_group
    if hasattr(obj, "project"):  # a milestone
        return getattr(obj.project.case, "work_group", None)
    return None


@rules.predicate
def is_group_lead(user: Any, obj: Any) -> bool:
    """The user is the case manager leading the object's work group."""
    group = _group_of(obj)
    return group is not None and group.lead_id is not None and group.lead_id == getattr(user, "pk", None)


@rules.predicate
def is_assignment_partner(user: Any, assignment: Any) -> bool:
    """The user holds the supplier role for the assignment's partner organisation."""
    if assignment is None or not hasattr(assignment, "partner"):
        return False
    return assignment.partner.organization_id in organizations_in(user, assignment.tenant, Role.SUPPLIER)


@rules.predicate
def is_group_applicant(user: Any, obj: Any) -> bool:
    group = _group_of(obj)
    return group is not None and is_case_applicant(user, group.case)


rules.add_perm("delivery.view_delivery", is_member)  # lists are filtered by visibility (cases.delivery.queries)
rules.add_perm("delivery.manage", is_office_staff)  # derive projects, assign partners, tickets
rules.add_perm("delivery.view_hours", is_office_staff | is_group_lead)
rules.add_perm("delivery.edit_report", is_group_lead)
rules.add_perm("delivery.home_manager", has_role(Role.CASE_MANAGER))
rules.add_perm("delivery.home_partner", has_role(Role.SUPPLIER))
rules.add_perm("delivery.home_office", is_office_staff)
# Transition permissions (named in the models' @transition decorators).
rules.add_perm("delivery.office_transition", is_office_staff)
rules.add_perm("delivery.form_transition", is_office_staff | is_system)
rules.add_perm("delivery.lead_transition", is_group_lead)
rules.add_perm("delivery.lead_or_office_transition", is_group_lead | is_office_staff)
rules.add_perm("delivery.partner_transition", is_assignment_partner)
# Menu entries (checked with the tenant).
rules.add_perm("delivery.view_groups", is_office_staff | has_role(Role.CASE_MANAGER))
rules.add_perm("delivery.view_reports", is_office_staff | has_role(Role.CASE_MANAGER))
