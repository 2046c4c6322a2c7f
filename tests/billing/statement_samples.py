"""Tenant-A rows of the statement half of billing for tests/test_isolation.py's ``samples`` (one of each kind)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from billing.services import royalties
from billing.services import statements as svc
from platform_site.tenancy import tenant_scope
from tests.billing.statement_factories import delivered_case, in_mass_production, rate_cards


def billing_statement_samples(world: Any) -> dict[str, dict[str, Any]]:
    """Route-name prefix → URL arguments naming a tenant-A rate card, NRE statement, royalty agreement and
    statement, maintenance fee (the specific prefixes come before bilinv's generic ``billing:``)."""
    v1, _v2 = rate_cards(world)
    case = delivered_case(world, share=25, reference="TSMP-2027-0901")
    in_mass_production(case)
    with tenant_scope(world.a):
        nre = svc.build_nre_statement(
            world.finance, case, period_start=dt.date(2027, 1, 1), period_end=dt.date(2027, 1, 31)
        )
        agreement = royalties.create_agreement(
            world.finance,
            case,
            basis="percent_of_net_sales",
            rate_percent=Decimal("3"),
            parties=[{"organization": None, "label": "平台", "share": Decimal("100")}],
        )
        royalties.sign_agreement(agreement, world.finance)
        report = royalties.file_sales_report(
            world.applicant,
            agreement,
            period_start=dt.date(2027, 9, 1),
            period_end=dt.date(2027, 9, 30),
            net_sales=100000,
            units=0,
        )
        eq = svc.create_equipment(world.finance, world.a, name="晶圓探針台", hourly_rate=2400)
        fee = svc.create_maintenance_fee(
            world.finance,
            case,
            period_start=dt.date(2027, 10, 1),
            period_end=dt.date(2027, 10, 31),
            usage=[{"equipment": eq, "hours": Decimal("1.00")}],
        )
        line_pk = report.statement.lines.first().pk
        supplier_nre = svc.record_supplier_nre(
            world.finance, case, supplier=world.org_a2, description="NRE", amount=1000, document_reference="協議書"
        )
    common = {"tenant_slug": "tsmp"}
    return {
        "billing:nre": {**common, "pk": nre.pk},
        "billing:royalty_statement": {**common, "pk": report.statement.pk},
        "billing:maintenance": {**common, "pk": fee.pk},
        "billing:statement_action": {**common, "kind": "nre", "pk": nre.pk, "action": "confirm"},
        "billing:agreement": {**common, "pk": agreement.pk},
        "billing:rate_card": {**common, "pk": v1.pk},
        "billing:statements": common,
        "billing:royalty_lines": common,
        "api-billing-rate-card-": {**common, "pk": v1.pk},
        "api-billing-nre-": {**common, "pk": nre.pk, "action_name": "confirm"},
        "api-billing-agreement-": {**common, "pk": agreement.pk},
        "api-billing-sales-report-": {**common, "pk": report.pk},
        "api-billing-royalty-line-": {**common, "pk": line_pk},
        "api-billing-royalty-": {**common, "pk": report.statement.pk, "action_name": "confirm"},
        "api-billing-maintenance-": {**common, "pk": fee.pk, "action_name": "confirm"},
        "api-billing-equipment-": {**common, "pk": eq.pk},
        "api-billing-supplier-nre-": {**common, "pk": supplier_nre.pk},
    }
