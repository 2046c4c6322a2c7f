"""Demo data of benefit tracking (``manage.py seed_demo``): a year of monthly KPI measurements, with baselines,
for a case closed after service (seed 001_f4b2551ebc037df1.txt: OEE and ROI before and after the project).

The case comes from :func:`closed_case`. Until the delivery app's demo provides "a closed case in mass
production", the TSMP demo has no case closed after service, so :func:`closed_case` makes one through the
cases services: a metal-works case driven to 初審 by ``cases.demo``'s own path, through 初審 and 複審 by the CTO
(``cases.services.committee_transition``, without meetings — so it has no case manager; the office reviewer
records the KPIs) and closed as completed. **The coordinator can point** :func:`closed_case` **at the delivery
demo's case** (e.g. look it up by title) and drop the creation. Idempotent: nothing when the tenant already has
measurements; only in a programme office.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cases import services as case_services
from cases.benefits import services
from cases.benefits.enums import KpiKind
from cases.benefits.models import KpiMeasurement
from cases.demo import _seed_case
from cases.enums import CaseState, Customisation, Industry
from cases.models import DemandCase
from platform_site.enums import Role, TenantKind
from platform_site.extensions import DemoSite

CLOSED_TITLE = "射出成型機台稼動監控與良率提升"


def closed_case(site: DemoSite) -> DemandCase:
    """The closed-after-service case of the demo tenant that carries the KPIs (see the module docstring)."""
    case = DemandCase.objects.filter(title=CLOSED_TITLE).first()
    if case is not None:
        return case
    case = _seed_case(
        site,
        "metal",
        CLOSED_TITLE,
        Industry.MANUFACTURING,
        "射出成型",
        "射出機台停機原因靠人工記錄，OEE 僅約六成，短射與毛邊不良率偏高。",
        "機聯網蒐集機台稼動與製程參數，邊緣 AI 即時判讀不良並回饋參數。",
        [Customisation.HARDWARE, Customisation.SOFTWARE],
        "preliminary_review",
    )
    cto, reviewer = site.people[Role.CTO], site.people[Role.OFFICE_REVIEWER]
    for name in ("pass_preliminary", "pass_final"):
        case_services.committee_transition(case, name, cto, comment="示範資料：委員會審查通過。", notify=False)
        case.refresh_from_db()
    case_services.transition_case(case, "close_completed", reviewer, comment="服務完成，進入效益追蹤。")
    case.refresh_from_db()
    return case


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
    baselines for OEE, revenue and jobs the quarter before the first month. Recorded by the office reviewer."""
    if site.tenant.kind != TenantKind.PLATFORM_OFFICE or KpiMeasurement.objects.exists():
        return
    case = closed_case(site)
    if case.state != CaseState.CLOSED:
        return
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
