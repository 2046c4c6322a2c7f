"""The billing demo: an issued (overdue), a paid and a voided invoice with its corrected reissue."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from django.core.management import call_command

from billing.models import Invoice
from platform_site.models import Tenant
from platform_site.tenancy import tenant_scope


def test_seed_demo_makes_invoices_in_every_state(db: Any) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    tsmp = Tenant.objects.get(slug="tsmp")
    with tenant_scope(tsmp):
        invoices = list(Invoice.objects.all())
        assert Counter(i.state for i in invoices) == {"issued": 2, "paid": 1, "voided": 1}
        voided = next(i for i in invoices if i.state == "voided")
        assert voided.replacements.get().state == "issued"
        paid = next(i for i in invoices if i.state == "paid")
        assert paid.payments.count() == 2 and paid.paid_amount == paid.total_amount
        numbers = sorted(i.number for i in invoices)
        assert len(set(numbers)) == 4 and all(n.startswith("TSMP-R-") for n in numbers)
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    with tenant_scope(tsmp):
        assert Invoice.objects.count() == 4
