"""Helpers of the billing invoice tests: drafts of given line amounts, number ranges, issuing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from billing import services
from billing.enums import BillableService
from billing.lines import LineSpec
from billing.services import numbering
from platform_site.tenancy import tenant_scope


def line(amount: int, *, taxable: bool = True, service: str = BillableService.CONSUMABLES, qty: str = "1") -> LineSpec:
    """A line of ``amount`` NTD (unit price = amount / quantity)."""
    quantity = Decimal(qty)
    return LineSpec(service, f"Item {amount}", quantity, "式", int(amount / quantity), amount, taxable)


def draft(world: Any, *amounts: int, org: Any = None, tenant: Any = None, by: Any = None, **kwargs: Any) -> Any:
    """A draft invoice in tenant A (default) to ``org`` (default world.org_a) with one line per amount."""
    tenant = tenant or world.a
    with tenant_scope(tenant):
        return services.draft_invoice(
            tenant,
            lines=[line(a) for a in amounts],
            by=by or world.finance,
            buyer_organization=org if org is not None else world.org_a,
            **kwargs,
        )


def issued(world: Any, *amounts: int, on: date | None = None, **kwargs: Any) -> Any:
    """A draft of ``amounts`` issued on ``on`` (default today) by finance."""
    invoice = draft(world, *amounts, **kwargs)
    tenant = kwargs.get("tenant") or world.a
    with tenant_scope(tenant):
        services.issue_invoice(invoice, kwargs.get("by") or world.finance, on=on)
        invoice.refresh_from_db()
    return invoice


def uniform(world: Any, tenant: Any = None) -> None:
    """Switch the tenant to 統一發票."""
    tenant = tenant or world.a
    tenant.settings = {**tenant.settings, "billing_document_type": "uniform_invoice"}
    tenant.save()


def add_range(world: Any, first: str, last: str, *, year: int = 2026, period: int = 1, tenant: Any = None) -> Any:
    tenant = tenant or world.a
    with tenant_scope(tenant):
        return numbering.add_range(tenant, year=year, period=period, first=first, last=last, by=world.finance)


def billing_samples(world: Any, case: Any) -> dict[str, dict[str, Any]]:
    """tests/test_isolation.py samples for the billing routes: a tenant-A issued invoice with its line, an export
    job (per route-name prefix)."""
    from billing.models import ExportJob

    invoice = issued(world, 1000, on=date(2026, 1, 15))
    with tenant_scope(world.a):
        line_pk = invoice.lines.get().pk
        job = ExportJob.objects.create(period_start=date(2026, 1, 1), period_end=date(2026, 1, 31))
    common = {"tenant_slug": "tsmp", "case_pk": case.pk}
    return {
        "billing:export": {**common, "pk": job.pk},
        "billing:": {**common, "pk": invoice.pk, "line_pk": line_pk},
        "api-billing-": {**common, "pk": invoice.pk},
    }
