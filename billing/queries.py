"""Every read of billing's invoices, role-aware (issue 11 visibility).

Finance and office staff see every invoice of the tenant; an applicant sees only the invoices addressed to its
own organisation(s), once issued (drafts are finance's work); suppliers, experts and case managers see none
(royalty lines paid to suppliers are the statements' business).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from billing.enums import InvoiceState
from billing.models import ExportJob, Invoice
from platform_site.enums import Role
from platform_site.rules import organizations_in
from platform_site.visibility import Visibility, every_row, get_visible_or_404, no_row


def _applicant_invoices(user: Any, tenant: Any) -> Q | bool:
    orgs = organizations_in(user, tenant, Role.APPLICANT)
    if not orgs:
        return False
    return Q(buyer_organization_id__in=sorted(orgs)) & ~Q(state=InvoiceState.DRAFT)


invoice_visibility = Visibility(
    "billing.Invoice",
    rules={
        Role.FINANCE: every_row,
        Role.OFFICE_REVIEWER: every_row,
        Role.CTO: every_row,
        Role.TENANT_ADMIN: every_row,
        Role.APPLICANT: _applicant_invoices,
        Role.SUPPLIER: no_row,
        Role.EXPERT: no_row,
        Role.CASE_MANAGER: no_row,
    },
)


def invoice_list(user: Any, tenant: Any, *, state: str = "") -> QuerySet[Invoice]:
    """The invoices ``user`` may see in ``tenant``, newest first, with buyer and case joined (one query)."""
    queryset = Invoice.objects.select_related("buyer_organization", "case")
    if state in InvoiceState.values:
        queryset = queryset.filter(state=state)
    return invoice_visibility.apply(queryset, user, tenant)


def get_invoice_for_user(user: Any, tenant: Any, pk: Any) -> Invoice:
    """Invoice ``pk`` for its detail page / endpoint; Http404 unless visible (``billing.view_invoice``)."""
    queryset = invoice_list(user, tenant).select_related("replaces", "number_range")
    return get_visible_or_404(queryset, user, tenant, pk, view_perm="billing.view_invoice")


@dataclass(frozen=True)
class Receivable:
    """Unpaid issued invoices of one buyer: ``count``, ``outstanding`` and ``overdue`` NTD (due before today)."""

    buyer_organization_id: int | None
    buyer_name: str
    count: int
    outstanding: int
    overdue: int
    overdue_count: int


def receivables(user: Any, tenant: Any, *, today: date | None = None) -> list[Receivable]:
    """Unpaid and overdue invoices per applicant (buyer), most overdue first; one aggregate query."""
    today = today or timezone.localdate()
    left = F("total_amount") - F("paid_amount")
    rows = (
        invoice_list(user, tenant, state=InvoiceState.ISSUED)
        .order_by()
        .values("buyer_organization_id", "buyer_name")
        .annotate(
            count=Count("pk"),
            outstanding=Coalesce(Sum(left), 0),
            overdue=Coalesce(Sum(Case(When(due_on__lt=today, then=left), default=0, output_field=IntegerField())), 0),
            overdue_count=Count("pk", filter=Q(due_on__lt=today)),
        )
        .order_by("-overdue", "-outstanding", "buyer_name")
    )
    return [Receivable(**row) for row in rows]


def overdue_invoices(user: Any, tenant: Any, *, today: date | None = None, limit: int = 10) -> list[Invoice]:
    """The oldest overdue invoices (≤ ``limit``), for the finance home (one query)."""
    today = today or timezone.localdate()
    return list(
        invoice_list(user, tenant, state=InvoiceState.ISSUED).filter(due_on__lt=today).order_by("due_on")[:limit]
    )


def export_jobs(tenant: Any) -> QuerySet[ExportJob]:
    """The tenant's bulk exports, newest first."""
    return ExportJob.objects.select_related("created_by")
