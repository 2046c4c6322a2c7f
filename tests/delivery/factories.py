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
    values = {
        "tenant": world.a,
        "applicant_org": world.org_a,
        "created_by": world.applicant,
        "state": "in_service",
        "reference": "TSMP-2026-0001",
        "customisations": customisations if customisations is not None else ["software"],
        **fields,
    }
    return DemandCaseFactory(**values)


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


def delivery_samples(world: Any) -> dict[str, dict[str, Any]]:
    """tests/test_isolation.py samples for the delivery routes: a tenant-A in-service case with its work group,
    project, milestone, assignment, report and attachment, per route-name prefix (specific prefixes first)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.delivery.models import Assignment, Milestone, ReportAttachment
    from tests.factories import MINIMAL_PDF
    from tests.suppliers.factories import partner

    case = in_service_case(world, reference="TSMP-2026-0901")
    wg = group(case, lead=world.case_manager, state="active", kickoff_on=dt.date(2027, 1, 4))
    profile = partner(world.a, "隔離測試系統整合", roles=["software"])
    row = report(wg, 1, state="submitted", hours={"software": "8"})
    with tenant_scope(world.a):
        project = case.service_projects.get()
        milestone = Milestone.objects.create(
            tenant=world.a, project=project, title="M1", planned_on=dt.date(2027, 3, 1)
        )
        assignment = Assignment.objects.create(
            tenant=world.a,
            work_group=wg,
            role="software",
            partner=profile,
            scope="s",
            planned_start=dt.date(2027, 1, 4),
            planned_end=dt.date(2027, 3, 1),
            deliverables="d",
        )
        attachment = ReportAttachment(
            tenant=world.a, report=row, original_name="a.pdf", content_type="application/pdf", size=len(MINIMAL_PDF),
            uploaded_by=world.case_manager,
        )  # fmt: skip
        attachment.file.save("a.pdf", SimpleUploadedFile("a.pdf", MINIMAL_PDF), save=True)
    common = {"tenant_slug": "tsmp"}
    g = {**common, "pk": wg.pk, "action": "form", "case_pk": case.pk}
    return {
        "delivery:assignment": {**common, "pk": assignment.pk, "action": "accept"},
        "delivery:assign": g,
        "delivery:group": g,
        "delivery:add_project": g,
        "delivery:derive": g,
        "delivery:project_roles": {**common, "pk": project.pk},
        "delivery:add_milestone": {**common, "pk": project.pk},
        "delivery:milestone": {**common, "pk": milestone.pk, "action": "start"},
        "delivery:report": {**common, "pk": row.pk, "action": "acknowledge"},
        "delivery:attachment": {**common, "pk": row.pk, "att_pk": attachment.pk},
        "api-delivery-group-": {**common, "pk": wg.pk},
        "api-delivery-assignment-": {**common, "pk": assignment.pk},
        "api-delivery-milestone-": {**common, "pk": milestone.pk, "name": "start"},
        "api-delivery-report-": {**common, "pk": row.pk},
    }
