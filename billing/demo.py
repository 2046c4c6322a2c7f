"""Demo data of billing (``manage.py seed_demo``), in the programme office only.

First the statements (:mod:`billing.demo_statements`: a rate card, two months of NRE statements of the delivery
demo's first in-service case, a three-party royalty agreement with two sales periods, a maintenance fee), then
the invoices drawn from them (:func:`seed_invoices`): month 1's NRE invoice paid in two parts, month 2's issued
and past its payment term (overdue), and the maintenance fee's invoice voided (wrong address) and reissued; the
finance login enters a 統一發票 字軌 range for the current period.

Everything goes through :mod:`billing.services` with the demo finance login, so the activity log is real. The
PDFs are queued on commit like in production (a worker renders them).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from billing import demo_statements, services
from billing.models import Invoice, MaintenanceFee, NreStatement
from billing.services import numbering
from billing.services.statements import confirm_statement, draft_invoice_for
from billing.statement_enums import StatementState
from platform_site.enums import Role, TenantKind
from platform_site.extensions import DemoSite


def seed(site: DemoSite) -> None:
    """Billing demo data in a programme-office tenant (idempotent: statements skip a tenant with a rate card,
    invoices a tenant that has invoices)."""
    if site.tenant.kind != TenantKind.PLATFORM_OFFICE:
        return
    demo_statements.seed(site)
    if not Invoice.objects.exists():
        seed_invoices(site)


def seed_invoices(site: DemoSite) -> None:
    """Invoice the confirmed statements: a paid, an overdue, and a voided + reissued invoice, and a 字軌 range."""
    tenant, finance = site.tenant, site.people[Role.FINANCE]
    today = timezone.localdate()
    year, period = numbering.period_of(today)
    numbering.add_range(tenant, year=year, period=period, first="AB12345678", last="AB12345727", by=finance)
    confirmed = StatementState.CONFIRMED
    nre = list(NreStatement.objects.filter(state=confirmed).order_by("period_start"))
    fees = list(MaintenanceFee.objects.exclude(state=StatementState.INVOICED).order_by("period_start"))
    for fee in fees:
        if fee.state != confirmed:
            confirm_statement(fee, finance)

    def invoice(statement, issued_on: date) -> Invoice:
        draft = draft_invoice_for(statement, finance)
        services.issue_invoice(draft, finance, on=min(issued_on, today))
        draft.refresh_from_db()
        return draft

    if nre:
        paid = invoice(nre[0], today - timedelta(days=75))
        first = paid.total_amount // 2
        services.record_payment(paid, finance, amount=first, paid_on=today - timedelta(days=50), reference="匯款 0131")
        services.record_payment(
            paid, finance, amount=paid.total_amount - first, paid_on=today - timedelta(days=40), reference="匯款 0210"
        )
    if len(nre) > 1:
        invoice(nre[1], today - timedelta(days=45))  # issued, past its 30-day term: overdue
    if fees:
        wrong = invoice(fees[0], today - timedelta(days=10))
        corrected = services.void_invoice(wrong, finance, reason="買受人地址有誤，作廢重開。")
        if corrected is not None:
            services.update_draft(corrected, finance, {"invoice_address": "高雄市楠梓區加昌路 600 號"})
            services.issue_invoice(corrected, finance, on=today - timedelta(days=9))
