"""Reads of service delivery, role-aware (the writes are in cases.delivery.services).

Contract with billing (COMMON4 "Contracts" 1): :class:`ReportHours`, :func:`billable_hours` and
:func:`mass_production_started_on` — the platform team's hours of acknowledged biweekly reports are the one
source of truth NRE billing charges; royalties begin when the closed case enters 量產/銷售 (seed
000_9617a3b789ca4d20.txt, 服務流程 → 量產/銷售).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.delivery.enums import (
    APPLICANT_VISIBLE_STATES,
    UNSUBMITTED_STATES,
    AssignmentState,
    ReportState,
    WorkGroupState,
)
from cases.delivery.models import (
    Assignment,
    CustomerServiceTicket,
    Milestone,
    ProgressReport,
    ServiceProject,
    WorkGroup,
)
from cases.delivery.models import ReportHours as HoursRow
from platform_site.enums import OFFICE_ROLES, Role
from platform_site.rules import organizations_in
from platform_site.visibility import Visibility, every_row, get_visible_or_404, no_row
from suppliers.enums import WorkRole

_ROLE_ORDER = {role: index for index, role in enumerate(WorkRole.values)}


@dataclass(frozen=True)
class ReportHours:
    """One (report, role) line of platform-team hours: ``hours`` Decimal ≥ 0 with two decimal places;
    ``role`` a suppliers.enums.WorkRole value; ``report_label`` e.g. "Progress report 3 (2027-01-18 – 2027-01-31)"."""

    report_id: int
    report_label: str
    period_start: dt.date
    period_end: dt.date
    role: str
    hours: Decimal


def billable_hours(case: Any, *, start: dt.date, end: dt.date) -> list[ReportHours]:
    """Platform-team hours of ``case``'s ACKNOWLEDGED progress reports whose ``period_end`` is in [start, end]
    (inclusive), ordered by period start then WorkRole order (①–⑧); one item per (report, role) with hours > 0.
    Call inside the case's tenant scope. One query. [] when the case has no work group or nothing matches."""
    rows = (
        HoursRow.objects.filter(
            report__work_group__case=case,
            report__state=ReportState.ACKNOWLEDGED,
            report__period_end__gte=start,
            report__period_end__lte=end,
            hours__gt=0,
        )
        .select_related("report")
        .only("role", "hours", "report__id", "report__number", "report__period_start", "report__period_end")
    )
    items = [
        ReportHours(
            report_id=row.report.pk,
            report_label=row.report.label,
            period_start=row.report.period_start,
            period_end=row.report.period_end,
            role=row.role,
            hours=row.hours.quantize(Decimal("0.01")),
        )
        for row in rows
    ]
    return sorted(items, key=lambda item: (item.period_start, item.report_id, _ROLE_ORDER.get(item.role, 99)))


def mass_production_started_on(case: Any) -> dt.date | None:
    """The date the closed case entered mass production / sales (量產/銷售), else None (not closed, terminated,
    or closed without mass production). Call inside the case's tenant scope. One query."""
    return (
        WorkGroup.objects.filter(case=case, state=WorkGroupState.CLOSED, mass_production=True)
        .values_list("mass_production_on", flat=True)
        .first()
    )


# --- role-aware reads of the pages and the API --------------------------------------------------------------------
# Office staff see everything; the case manager the groups they lead; a partner (supplier) only its own
# assignments; the applicant its own case's group and its submitted / acknowledged reports, never the hours.


def _partner_orgs(user: Any, tenant: Any) -> list[int]:
    return sorted(organizations_in(user, tenant, Role.SUPPLIER))


def _applicant_orgs(user: Any, tenant: Any) -> list[int]:
    return sorted(organizations_in(user, tenant, Role.APPLICANT))


group_visibility = Visibility(
    "delivery.WorkGroup",
    rules={
        **{role: every_row for role in OFFICE_ROLES},
        Role.CASE_MANAGER: lambda user, tenant: Q(lead_id=user.pk),
        Role.APPLICANT: lambda user, tenant: Q(case__applicant_org_id__in=_applicant_orgs(user, tenant)),
        Role.SUPPLIER: no_row,  # partners see their assignments, not the group
        Role.EXPERT: no_row,
    },
    pending=(Role.FINANCE,),
)
assignment_visibility = Visibility(
    "delivery.Assignment",
    rules={
        **{role: every_row for role in OFFICE_ROLES},
        Role.CASE_MANAGER: lambda user, tenant: Q(work_group__lead_id=user.pk),
        Role.SUPPLIER: lambda user, tenant: Q(partner__organization_id__in=_partner_orgs(user, tenant)),
        Role.APPLICANT: lambda user, tenant: Q(
            work_group__case__applicant_org_id__in=_applicant_orgs(user, tenant), state=AssignmentState.ACCEPTED
        ),
        Role.EXPERT: no_row,
    },
    pending=(Role.FINANCE,),
)
report_visibility = Visibility(
    "delivery.ProgressReport",
    rules={
        **{role: every_row for role in OFFICE_ROLES},
        Role.CASE_MANAGER: lambda user, tenant: Q(work_group__lead_id=user.pk),
        Role.APPLICANT: lambda user, tenant: Q(
            work_group__case__applicant_org_id__in=_applicant_orgs(user, tenant), state__in=APPLICANT_VISIBLE_STATES
        ),
        Role.SUPPLIER: no_row,
        Role.EXPERT: no_row,
    },
    pending=(Role.FINANCE,),
)
milestone_visibility = Visibility(
    "delivery.Milestone",
    rules={
        **{role: every_row for role in OFFICE_ROLES},
        Role.CASE_MANAGER: lambda user, tenant: Q(project__case__work_group__lead_id=user.pk),
        Role.APPLICANT: lambda user, tenant: Q(project__case__applicant_org_id__in=_applicant_orgs(user, tenant)),
        Role.SUPPLIER: no_row,
        Role.EXPERT: no_row,
    },
    pending=(Role.FINANCE,),
)

GROUP_COLUMNS = ("id", "state", "kickoff_on", "formed_at", "created_at", "lead_id", "case_id")


def group_list(user: Any, tenant: Any) -> QuerySet[WorkGroup]:
    """Work groups ``user`` may list, newest first, with case, lead and per-group counts of overdue reports
    (``overdue_count``) and accepted assignments (``accepted_count``) annotated — one query per page."""
    today = timezone.localdate()
    overdue = (
        ProgressReport.objects.filter(work_group=OuterRef("pk"), state__in=UNSUBMITTED_STATES, due_on__lt=today)
        .values("work_group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = group_visibility.apply(WorkGroup.objects.select_related("case", "lead"), user, tenant)
    return qs.annotate(
        overdue_count=Coalesce(Subquery(overdue), 0),
        accepted_count=Count("assignments", filter=Q(assignments__state=AssignmentState.ACCEPTED), distinct=True),
    ).order_by("-created_at", "-pk")


def get_group_for_user(user: Any, tenant: Any, pk: Any, perm: str = "delivery.view_delivery") -> WorkGroup:
    """404 if not visible (another tenant's, another case manager's, a partner), 403 if visible but not ``perm``."""
    qs = group_visibility.apply(WorkGroup.objects.select_related("case", "lead"), user, tenant)
    return get_visible_or_404(qs, user, tenant, pk, view_perm="delivery.view_delivery", perm=perm)


def group_detail(group: WorkGroup) -> dict[str, Any]:
    """What the group page shows: projects (with milestones), assignments (partner joined), reports, tickets,
    required and uncovered roles. Five queries."""
    projects = list(ServiceProject.objects.filter(case_id=group.case_id).prefetch_related("milestones").order_by("pk"))
    group.case._prefetched_objects_cache = {"service_projects": projects}
    assignments = list(Assignment.objects.filter(work_group=group).select_related("partner__organization"))
    group._prefetched_objects_cache = {"assignments": assignments}
    reports = list(ProgressReport.objects.filter(work_group=group).order_by("number"))
    tickets = list(CustomerServiceTicket.objects.filter(case_id=group.case_id))
    labels = dict(WorkRole.choices)
    return {
        "projects": projects,
        "assignments": assignments,
        "reports": reports,
        "tickets": tickets,
        "required_roles": [(r, labels[r]) for r in group.required_roles()],
        "uncovered_roles": [(r, labels[r]) for r in group.uncovered_roles()],
    }


def assignment_list(user: Any, tenant: Any) -> QuerySet[Assignment]:
    """Assignments ``user`` may list (a partner: only its own), newest first, case and partner joined."""
    qs = Assignment.objects.select_related("work_group__case", "partner__organization")
    return assignment_visibility.apply(qs, user, tenant).order_by("-created_at", "-pk")


def get_assignment_for_user(user: Any, tenant: Any, pk: Any) -> Assignment:
    qs = Assignment.objects.select_related("work_group__case", "partner__organization")
    qs = assignment_visibility.apply(qs, user, tenant)
    return get_visible_or_404(qs, user, tenant, pk, view_perm="delivery.view_delivery")


def report_list(user: Any, tenant: Any) -> QuerySet[ProgressReport]:
    """Reports ``user`` may list (the applicant: submitted / acknowledged ones of its cases), by due date, case
    joined."""
    qs = ProgressReport.objects.select_related("work_group__case")
    return report_visibility.apply(qs, user, tenant).order_by("due_on", "pk")


def get_report_for_user(user: Any, tenant: Any, pk: Any) -> ProgressReport:
    qs = ProgressReport.objects.select_related("work_group__case", "work_group__lead")
    qs = report_visibility.apply(qs, user, tenant)
    return get_visible_or_404(qs, user, tenant, pk, view_perm="delivery.view_delivery")


def report_hours(report: ProgressReport) -> list[HoursRow]:
    """The report's hours rows in ①–⑧ order (only for users with ``delivery.view_hours``)."""
    return sorted(report.hours.all(), key=lambda row: _ROLE_ORDER.get(row.role, 99))


def milestone_list(user: Any, tenant: Any) -> QuerySet[Milestone]:
    qs = Milestone.objects.select_related("project__case")
    return milestone_visibility.apply(qs, user, tenant).order_by("planned_on", "pk")


def get_milestone_for_user(user: Any, tenant: Any, pk: Any) -> Milestone:
    qs = milestone_visibility.apply(Milestone.objects.select_related("project__case"), user, tenant)
    return get_visible_or_404(qs, user, tenant, pk, view_perm="delivery.view_delivery")


def overdue_reports(tenant: Any, today: dt.date | None = None) -> QuerySet[ProgressReport]:
    """Every overdue report of the current tenant (not handed in after its due date), oldest due first."""
    today = today or timezone.localdate()
    return (
        ProgressReport.objects.filter(state__in=UNSUBMITTED_STATES, due_on__lt=today)
        .select_related("work_group__case", "work_group__lead")
        .order_by("due_on", "pk")
    )


def case_group(case: Any) -> WorkGroup | None:
    """The case's work group (lead joined) or None. One query."""
    return WorkGroup.objects.filter(case=case).select_related("lead").first()  # case: a row or its id
