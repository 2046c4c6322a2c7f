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

from cases.delivery.enums import ReportState, WorkGroupState
from cases.delivery.models import ReportHours as HoursRow
from cases.delivery.models import WorkGroup
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
