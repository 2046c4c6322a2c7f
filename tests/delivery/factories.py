"""Factories of the delivery app (rows made in their tenant's scope; states forced for set-up only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from cases.delivery.models import ProgressReport, ReportHours, ServiceProject, WorkGroup
from platform_site.tenancy import tenant_scope
from tests.factories import DemandCaseFactory


def in_service_case(world: Any, *, customisations: list[str] | None = None, **fields: Any) -> Any:
    """A case of tenant A's applicant organisation in the ``in_service`` state (after the final review)."""
    return DemandCaseFactory(
        tenant=world.a,
        applicant_org=world.org_a,
        created_by=world.applicant,
        state="in_service",
        reference=fields.pop("reference", "TSMP-2026-0001"),
        customisations=customisations if customisations is not None else ["software"],
        **fields,
    )


def group(case: Any, *, lead: Any = None, state: str = "forming", **fields: Any) -> WorkGroup:
    """A work group of ``case`` in ``state`` with a software design project (②③⑦) unless ``projects`` given."""
    projects = fields.pop("projects", {"software_design": ["model_training", "software", "system_integration"]})
    with tenant_scope(case.tenant):
        for project_type, roles in projects.items():
            ServiceProject.objects.create(tenant=case.tenant, case=case, project_type=project_type, roles=roles)
        return WorkGroup.objects.create(tenant=case.tenant, case=case, lead=lead, state=state, **fields)


def report(
    work_group: WorkGroup, number: int, *, state: str = "due", hours: dict[str, str] | None = None, **fields: Any
) -> ProgressReport:
    """Report ``number`` of ``work_group`` for the ``number``-th 14-day period from its kickoff (default
    2027-01-04), in ``state``, with ``hours`` {role: "12.50"}."""
    kickoff = work_group.kickoff_on or dt.date(2027, 1, 4)
    start = kickoff + dt.timedelta(days=14 * (number - 1))
    end = start + dt.timedelta(days=13)
    values = {"period_start": start, "period_end": end, "due_on": end, "work_done": "完成模型訓練資料標註。", **fields}
    with tenant_scope(work_group.tenant):
        row = ProgressReport.objects.create(
            tenant=work_group.tenant, work_group=work_group, number=number, state=state, **values
        )
        for role, value in (hours or {}).items():
            ReportHours.objects.create(tenant=work_group.tenant, report=row, role=role, hours=Decimal(value))
    return row
