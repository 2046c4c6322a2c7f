"""Reads of rate cards, statements, agreements and sales reports, role-aware (writes: billing.services).

Issue 11 visibility: finance and office staff see every row of the tenant; an applicant sees the rows of its own
organisation's cases; a supplier sees only the royalty lines paid to its organisation (:func:`royalty_lines`),
never a whole statement. Other roles see nothing (fail-closed).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from billing.models import (
    MaintenanceFee,
    NreStatement,
    RateCard,
    RoyaltyAgreement,
    RoyaltyLine,
    RoyaltyStatement,
    SalesReport,
)
from platform_site.enums import OFFICE_ROLES, Role
from platform_site.rules import organizations_in
from platform_site.visibility import Visibility, every_row, get_visible_or_404, no_row

STAFF = {role: every_row for role in (*OFFICE_ROLES, Role.FINANCE)}
NOBODY = {role: no_row for role in (Role.EXPERT, Role.CASE_MANAGER, Role.SUPPLIER)}


def _own_cases(path: str):  # noqa: ANN202 - a visibility rule factory
    def rule(user: Any, tenant: Any) -> Q:
        return Q(**{f"{path}__in": sorted(organizations_in(user, tenant, Role.APPLICANT))})

    return rule


def _visibility(label: str, path: str) -> Visibility:
    return Visibility(label, rules={**STAFF, **NOBODY, Role.APPLICANT: _own_cases(path)})


nre_visibility = _visibility("billing.NreStatement", "case__applicant_org_id")
maintenance_visibility = _visibility("billing.MaintenanceFee", "case__applicant_org_id")
agreement_visibility = _visibility("billing.RoyaltyAgreement", "case__applicant_org_id")
sales_visibility = _visibility("billing.SalesReport", "agreement__case__applicant_org_id")
royalty_visibility = _visibility("billing.RoyaltyStatement", "agreement__case__applicant_org_id")
rate_card_visibility = Visibility("billing.RateCard", rules={**STAFF, **NOBODY, Role.APPLICANT: no_row})
royalty_line_visibility = Visibility(
    "billing.RoyaltyLine",
    rules={
        **STAFF,
        Role.EXPERT: no_row,
        Role.CASE_MANAGER: no_row,
        Role.APPLICANT: _own_cases("statement__agreement__case__applicant_org_id"),
        Role.SUPPLIER: lambda user, tenant: Q(
            organization_id__in=sorted(organizations_in(user, tenant, Role.SUPPLIER))
        ),
    },
)

ORDER = ("-created_at", "-pk")


def nre_statements(user: Any, tenant: Any) -> QuerySet[NreStatement]:
    """NRE statements ``user`` may list, newest first, with the case (one query)."""
    qs = NreStatement.objects.select_related("case", "case__applicant_org").order_by(*ORDER)
    return nre_visibility.apply(qs, user, tenant)


def get_nre_statement(user: Any, tenant: Any, pk: Any) -> NreStatement:
    """404 unless visible; the trail's children are read by the page (a fixed number of queries)."""
    qs = nre_visibility.apply(NreStatement.objects.select_related("case", "case__applicant_org"), user, tenant)
    return get_visible_or_404(qs, user, tenant, pk, view_perm="billing.view_statement")


def maintenance_fees(user: Any, tenant: Any) -> QuerySet[MaintenanceFee]:
    """Maintenance fees ``user`` may list, newest first."""
    qs = MaintenanceFee.objects.select_related("case", "case__applicant_org").order_by(*ORDER)
    return maintenance_visibility.apply(qs, user, tenant)


def get_maintenance_fee(user: Any, tenant: Any, pk: Any) -> MaintenanceFee:
    qs = maintenance_visibility.apply(MaintenanceFee.objects.select_related("case"), user, tenant)
    return get_visible_or_404(qs, user, tenant, pk, view_perm="billing.view_statement")


def agreements(user: Any, tenant: Any) -> QuerySet[RoyaltyAgreement]:
    """Royalty agreements ``user`` may list, newest first, with their parties (two queries)."""
    qs = RoyaltyAgreement.objects.select_related("case", "case__applicant_org").prefetch_related("parties")
    return agreement_visibility.apply(qs.order_by(*ORDER), user, tenant)


def get_agreement(user: Any, tenant: Any, pk: Any, perm: str = "") -> RoyaltyAgreement:
    qs = agreement_visibility.apply(RoyaltyAgreement.objects.select_related("case"), user, tenant)
    return get_visible_or_404(qs, user, tenant, pk, view_perm="billing.view_statement", perm=perm)


def sales_reports(user: Any, tenant: Any) -> QuerySet[SalesReport]:
    """Sales reports ``user`` may list, newest first, with agreement, case and the statement's due."""
    qs = SalesReport.objects.select_related("agreement", "agreement__case", "statement").order_by(*ORDER)
    return sales_visibility.apply(qs, user, tenant)


def royalty_statements(user: Any, tenant: Any) -> QuerySet[RoyaltyStatement]:
    """Royalty statements ``user`` may list, newest first, with report and case and lines (two queries)."""
    qs = RoyaltyStatement.objects.select_related("sales_report", "agreement", "agreement__case").prefetch_related(
        "lines"
    )
    return royalty_visibility.apply(qs.order_by(*ORDER), user, tenant)


def get_royalty_statement(user: Any, tenant: Any, pk: Any) -> RoyaltyStatement:
    qs = royalty_visibility.apply(
        RoyaltyStatement.objects.select_related("sales_report", "agreement", "agreement__case"), user, tenant
    )
    return get_visible_or_404(qs, user, tenant, pk, view_perm="billing.view_statement")


def royalty_lines(user: Any, tenant: Any) -> QuerySet[RoyaltyLine]:
    """Royalty lines ``user`` may list (a supplier: only those paid to its organisation), newest first."""
    qs = RoyaltyLine.objects.select_related(
        "statement", "statement__sales_report", "statement__agreement__case", "organization"
    ).order_by(*ORDER)
    return royalty_line_visibility.apply(qs, user, tenant)


def rate_cards(user: Any, tenant: Any) -> QuerySet[RateCard]:
    """Rate card versions, newest first, with their rates (two queries); finance and office staff only."""
    qs = RateCard.objects.prefetch_related("rates").order_by("-version")
    return rate_card_visibility.apply(qs, user, tenant)


def get_rate_card(user: Any, tenant: Any, pk: Any) -> RateCard:
    qs = rate_card_visibility.apply(RateCard.objects.prefetch_related("rates"), user, tenant)
    return get_visible_or_404(qs, user, tenant, pk, view_perm="billing.view_rate_cards")
