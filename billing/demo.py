"""Demo data of billing (``manage.py seed_demo``). The invoices half (issue 11): :func:`seed_invoices` — in the
programme office, the applicant 南方精密金屬 gets an issued (overdue) invoice, a paid one (two partial payments)
and a voided one with its corrected reissue; finance enters a 統一發票 字軌 range for the current period.

Everything goes through :mod:`billing.services` with the demo finance login, so the activity log is real. The
PDFs are queued on commit like in production (a worker renders them). The statements half (bilst) adds its own
seeding to :func:`seed` and may draft its invoices from its statements' ``invoice_lines()``.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from billing import services
from billing.enums import BillableService as B
from billing.lines import LineSpec
from billing.models import Invoice
from billing.services import numbering
from cases.models import DemandCase
from platform_site.enums import Role, TenantKind
from platform_site.extensions import DemoSite


def seed(site: DemoSite) -> None:
    """Billing demo data in a programme-office tenant (idempotent: skips a tenant that has invoices)."""
    if site.tenant.kind != TenantKind.PLATFORM_OFFICE or Invoice.objects.exists():
        return
    seed_invoices(site)


def _labour(month: str, hours: str, rate: int) -> LineSpec:
    amount = int(Decimal(hours) * rate)
    return LineSpec(B.NRE_PLATFORM_LABOUR, f"平台團隊人力（{month}，分級折扣後）", Decimal(hours), "小時", rate, amount)


def seed_invoices(site: DemoSite) -> None:
    """An issued (overdue), a paid and a voided + reissued invoice to the applicant 南方精密金屬, and a 字軌 range."""
    tenant, finance = site.tenant, site.people[Role.FINANCE]
    org = site.orgs["metal"]
    case = DemandCase.objects.filter(applicant_org=org).order_by("pk").first()
    today = timezone.localdate()
    year, period = numbering.period_of(today)
    numbering.add_range(tenant, year=year, period=period, first="AB12345678", last="AB12345727", by=finance)

    def make(lines: list[LineSpec], days_ago: int) -> Invoice:
        invoice = services.draft_invoice(tenant, lines=lines, by=finance, buyer_organization=org, case=case)
        services.issue_invoice(invoice, finance, on=today - timedelta(days=days_ago))
        invoice.refresh_from_db()
        return invoice

    consumables = LineSpec(B.CONSUMABLES, "感測器與治具耗材（實支）", Decimal("1"), "式", 18_600, 18_600)
    paid = make([_labour("第 1 個月", "64", 1_530), consumables], 75)
    services.record_payment(paid, finance, amount=60_000, paid_on=today - timedelta(days=50), reference="匯款 0131")
    services.record_payment(
        paid, finance, amount=paid.total_amount - 60_000, paid_on=today - timedelta(days=40), reference="匯款 0210"
    )
    make([_labour("第 2 個月", "48.5", 1_530)], 45)  # issued, past its 30-day term: overdue
    wrong = make([LineSpec(B.PROTOTYPING, "PCB 打樣（實支）", Decimal("2"), "批", 12_000, 24_000)], 10)
    corrected = services.void_invoice(wrong, finance, reason="買受人地址有誤，作廢重開。")
    if corrected is not None:
        services.update_draft(corrected, finance, {"invoice_address": "高雄市楠梓區加昌路 600 號"})
        services.issue_invoice(corrected, finance, on=today - timedelta(days=9))
