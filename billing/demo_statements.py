"""Demo data of the statement half of billing (``manage.py seed_demo``), after the delivery demo, all through
billing.services with the demo finance login and the applicants' own logins (seed 000_9617a3b789ca4d20.txt):

- rate card v1 (valid from three years ago) with an hourly rate per work-group role;
- the delivery demo's first in-service case (金屬加工件表面瑕疵 AI 檢測, passed 複審 at tier 1 / linkage 4 → the
  applicant pays 25% of platform labour): **two months of NRE statements**, one per calendar month in which its
  acknowledged progress reports end; the first with consumables and the supplier 南方科技大學's agreed NRE; both
  confirmed (ready to invoice);
- the closed case in mass production (智慧鞋材裁切排版試量產): a signed **royalty agreement with three parties**
  (platform 40%, 南方科技大學 35%, a second partner 25%, 3% of net sales) and **two sales periods** (the last two
  full months) filed by the applicant, and a **maintenance fee** for last month (equipment + labour, 實報實收).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from billing.models import RateCard
from billing.services import royalties
from billing.services import statements as svc
from cases.delivery.queries import billable_hours, mass_production_started_on
from cases.models import DemandCase
from platform_site.enums import Role, TenantKind
from platform_site.extensions import DemoSite
from platform_site.models import Membership
from suppliers.models import SupplierProfile

FIRST_CASE = "金屬加工件表面瑕疵 AI 檢測"
MASS_PRODUCTION_CASE = "智慧鞋材裁切排版試量產"
#: NTD per hour per WorkRole (a demo rate card; a real office publishes its own).
RATES = {
    "architecture": 2000,
    "model_training": 1800,
    "software": 1600,
    "chip": 2200,
    "module": 1700,
    "trial_production": 1500,
    "system_integration": 1850,
    "field_validation": 1400,
}


def _month(day: dt.date) -> tuple[dt.date, dt.date]:
    start = day.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def _applicant_of(site: DemoSite, org: Any) -> Any:
    for user in site.applicants.values():
        if Membership.objects.filter(user=user, tenant=site.tenant, role=Role.APPLICANT, organization=org).exists():
            return user
    return None


def seed(site: DemoSite) -> None:
    """Statements in a programme-office tenant. Idempotent (skips a tenant that has a rate card)."""
    if site.tenant.kind != TenantKind.PLATFORM_OFFICE or RateCard.objects.exists():
        return
    finance = site.people[Role.FINANCE]
    today = timezone.localdate()
    card = svc.create_rate_card(
        finance,
        site.tenant,
        valid_from=today.replace(day=1) - dt.timedelta(days=3 * 365),
        rates=RATES,
        note="示範費率",
    )
    svc.publish_rate_card(card, finance)
    _nre(site, finance)
    _royalty_and_maintenance(site, finance, today)


def _nre(site: DemoSite, finance: Any) -> None:
    case = DemandCase.objects.filter(title=FIRST_CASE).first()
    if case is None or svc.tier_discount(case) is None:
        return
    ends = sorted(
        {item.period_end for item in billable_hours(case, start=dt.date(2000, 1, 1), end=dt.date(2100, 1, 1))}
    )
    months = sorted({_month(day) for day in ends})[:2]
    supplier = site.orgs.get("supplier")
    if supplier is not None:
        agreement = svc.record_supplier_nre(
            finance,
            case,
            supplier=supplier,
            description="取像模組設計與打樣 NRE（供應商議定）",
            amount=180_000,
            document_reference="NRE 協議書 TSMP-NRE-001",
        )
        svc.sign_supplier_nre(agreement, finance)
    for index, (start, end) in enumerate(months):
        statement = svc.build_nre_statement(finance, case, period_start=start, period_end=end)
        if index == 0:
            svc.add_cost_item(
                statement, finance, kind="consumables", description="取像治具與標註耗材（實支）", amount=18_600
            )
            svc.add_cost_item(
                statement, finance, kind="prototyping", description="PCB 打樣 2 批（實支）", amount=24_000
            )
        svc.confirm_statement(statement, finance)


def _royalty_and_maintenance(site: DemoSite, finance: Any, today: dt.date) -> None:
    case = DemandCase.objects.filter(title=MASS_PRODUCTION_CASE).first()
    started = mass_production_started_on(case) if case is not None else None
    supplier = site.orgs.get("supplier")
    applicant = _applicant_of(site, case.applicant_org) if case is not None else None
    if case is None or started is None or supplier is None or applicant is None:
        return
    second = (
        SupplierProfile.objects.exclude(organization=supplier).select_related("organization").order_by("pk").first()
    )
    parties = [
        {"organization": None, "label": "臺灣智慧系統整合製造平台", "share": Decimal("40")},
        {"organization": supplier, "label": supplier.name, "share": Decimal("35")},
    ]
    if second is not None:
        parties.append({"organization": second.organization, "label": second.organization.name, "share": Decimal("25")})
    else:
        parties[0]["share"] = Decimal("65")
    agreement = royalties.create_agreement(
        finance, case, basis="percent_of_net_sales", rate_percent=Decimal("3"), parties=parties
    )
    royalties.sign_agreement(agreement, finance)
    last_start, last_end = _month(today.replace(day=1) - dt.timedelta(days=1))
    prev_start, prev_end = _month(last_start - dt.timedelta(days=1))
    for (start, end), sales in (((prev_start, prev_end), 1_234_567), ((last_start, last_end), 2_000_000)):
        if end >= started:
            royalties.file_sales_report(
                applicant, agreement, period_start=start, period_end=end, net_sales=sales, units=0
            )
    prober = svc.create_equipment(finance, site.tenant, name="晶圓探針台", hourly_rate=2400)
    chamber = svc.create_equipment(finance, site.tenant, name="恆溫恆濕箱", hourly_rate=1250)
    svc.create_maintenance_fee(
        finance,
        case,
        period_start=last_start,
        period_end=last_end,
        usage=[
            {"equipment": prober, "hours": Decimal("3.50")},
            {"equipment": chamber, "hours": Decimal("0.75")},
            {"role": "system_integration", "hours": Decimal("4.25")},
        ],
    )
