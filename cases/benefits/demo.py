"""Demo data of benefit tracking (``manage.py seed_demo``): a year of monthly KPI measurements, with baselines,
for the delivery demo's closed case in mass production (seed 001_f4b2551ebc037df1.txt: OEE and ROI before and
after the project).

The case is :func:`cases.delivery.demo.mass_production_case` (閉案 after the trial production, in 量產/銷售 from
365 days ago), which the delivery demo seeds first (``INSTALLED_APPS`` order); the benefits demo makes no case of
its own. Its case manager records the KPIs (the office reviewer where the case has none). Idempotent: nothing
when the tenant already has measurements or the delivery demo has no such case; only in a programme office.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cases.benefits import services
from cases.benefits.enums import KpiKind
from cases.benefits.models import KpiMeasurement
from cases.delivery.demo import MASS_PRODUCTION_TITLE, mass_production_case
from cases.models import DemandCase
from platform_site.enums import Role, TenantKind
from platform_site.extensions import DemoSite
from platform_site.rules import can

#: The title of the case that carries the demo KPIs (the delivery demo's closed case in mass production).
CLOSED_TITLE = MASS_PRODUCTION_TITLE


def closed_case(site: DemoSite) -> DemandCase | None:
    """The closed-after-service case of the demo tenant that carries the KPIs (call inside the tenant scope):
    the delivery demo's case in mass production, or None when there is none."""
    return mass_production_case()


def _months(last: dt.date, count: int) -> list[tuple[dt.date, dt.date]]:
    """``count`` calendar months ending with the month before ``last``'s month: [(first day, last day)]."""
    end = last.replace(day=1) - dt.timedelta(days=1)
    months = []
    for _ in range(count):
        start = end.replace(day=1)
        months.append((start, end))
        end = start - dt.timedelta(days=1)
    return list(reversed(months))


def seed(site: DemoSite) -> None:
    """Twelve months of OEE and revenue, quarterly ROI and investment induced, jobs and products at the end;
    baselines for OEE, revenue and jobs the quarter before the first month. Recorded by the case manager."""
    if site.tenant.kind != TenantKind.PLATFORM_OFFICE or KpiMeasurement.objects.exists():
        return
    case = closed_case(site)
    if case is None:
        return
    who = site.people.get(Role.CASE_MANAGER)
    if who is None or not can(who, "benefits.record_kpi", case):
        who = site.people[Role.OFFICE_REVIEWER]
    months = _months(timezone.localdate(), 12)
    base_end = months[0][0] - dt.timedelta(days=1)
    base_start = (base_end - dt.timedelta(days=80)).replace(day=1)
    ref = "導入前三個月 MES 匯出報表（示範）"

    def record(kind: str, start: dt.date, end: dt.date, baseline: bool = False, **values: object) -> None:
        data = {"kind": kind, "period_start": start, "period_end": end, "is_baseline": baseline}
        services.record_measurement(who, case, {**data, "evidence_reference": values.pop("ref", ref), **values})

    record(KpiKind.OEE, base_start, base_end, True, availability="0.7800", performance="0.8500", quality="0.9300")
    record(KpiKind.REVENUE, base_start, base_end, True, amount=4_200_000)
    record(KpiKind.JOBS, base_start, base_end, True, amount=42)
    for i, (start, end) in enumerate(months):
        monthly = f"{end:%Y-%m} 生產月報（示範）"
        availability = Decimal("0.8000") + Decimal("0.0100") * i
        record(
            KpiKind.OEE, start, end, availability=str(availability), performance="0.9000", quality="0.9700", ref=monthly
        )
        record(KpiKind.REVENUE, start, end, amount=4_300_000 + 120_000 * i, ref=monthly)
        if i % 3 == 2:
            quarter_start = months[i - 2][0]
            record(
                KpiKind.ROI,
                quarter_start,
                end,
                total_profit_ntd=900_000 + 300_000 * (i // 3),
                invested_cost_ntd=3_000_000,
                ref=f"{end:%Y-%m} 季財報（示範）",
            )
            record(
                KpiKind.INVESTMENT,
                quarter_start,
                end,
                amount=5_000_000 * (1 + i // 3),
                ref=f"{end:%Y-%m} 增資與設備投資證明（示範）",
            )
    first, last = months[0][0], months[-1][1]
    record(KpiKind.JOBS, first, last, amount=47, ref="年度勞保投保名冊（示範）")
    record(KpiKind.PRODUCTS, first, last, amount=2, ref="新品上市型錄（示範）")
