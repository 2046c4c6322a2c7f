"""The statements half of the billing demo: a case with two months of NRE statements (tier discount applied, the
50% ceiling checked), a royalty agreement with three parties and two sales periods whose parts sum to the due
amount, a maintenance fee at actual cost."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command

from billing.models import MaintenanceFee, NreStatement, RoyaltyAgreement, RoyaltyStatement
from platform_site.models import Tenant
from platform_site.tenancy import tenant_scope


def test_seed_demo_makes_the_statements(db: Any) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    with tenant_scope(Tenant.objects.get(slug="tsmp")):
        statements = list(NreStatement.objects.order_by("period_start"))
        assert len(statements) == 2 and len({s.case_id for s in statements}) == 1
        first = statements[0]
        assert first.share_percent == 25 and first.labour_gross > 0
        assert first.labour_due == min(first.labour_discounted, first.labour_cap) and not first.cap_binding
        assert first.costs_total == 18_600 + 24_000 and first.supplier_total == 180_000
        assert first.subtotal == first.labour_due + first.costs_total + first.supplier_total
        assert all(s.state == "invoiced" for s in statements)  # billing/demo.py invoices both months
        agreement = RoyaltyAgreement.objects.get()
        assert agreement.state == "signed" and agreement.parties.count() == 3
        royalty = list(RoyaltyStatement.objects.order_by("pk"))
        assert [r.due for r in royalty] == [37037, 60000]
        for r in royalty:
            assert sum(r.lines.values_list("amount", flat=True)) == r.due
            assert r.recompute().due == r.due
        fee = MaintenanceFee.objects.get()
        assert (fee.equipment_total, fee.labour_total, fee.total) == (9338, 7863, 17201)
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    with tenant_scope(Tenant.objects.get(slug="tsmp")):
        assert NreStatement.objects.count() == 2 and RoyaltyStatement.objects.count() == 2
