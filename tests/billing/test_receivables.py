"""Receivables per applicant: unpaid issued invoices, the overdue part from the due date (tenant payment days)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from billing import queries, services
from platform_site.tenancy import tenant_scope
from tests.billing.factories import draft, issued

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 31)


def test_outstanding_and_overdue_per_buyer(world) -> None:
    world.a.settings = {**world.a.settings, "billing_payment_days": 10}
    world.a.save()
    due_today = issued(world, 1000, on=TODAY - timedelta(days=10))  # due today: not overdue yet
    overdue = issued(world, 2000, on=TODAY - timedelta(days=11))  # due yesterday: overdue
    part_paid = issued(world, 100, on=TODAY - timedelta(days=40), org=world.org_a2)
    paid = issued(world, 300, on=TODAY - timedelta(days=40))
    draft(world, 5000)  # drafts are not receivables
    with tenant_scope(world.a):
        services.record_payment(part_paid, world.finance, amount=5, paid_on=TODAY)
        services.record_payment(paid, world.finance, amount=315, paid_on=TODAY)
        rows = queries.receivables(world.finance, world.a, today=TODAY)
        late = queries.overdue_invoices(world.finance, world.a, today=TODAY)
    assert due_today.due_on == TODAY
    assert [(r.buyer_name, r.count, r.outstanding, r.overdue, r.overdue_count) for r in rows] == [
        ("南方精密金屬股份有限公司", 2, 1050 + 2100, 2100, 1),
        ("織采紡織股份有限公司", 1, 100, 100, 1),
    ]
    assert [i.pk for i in late] == [part_paid.pk, overdue.pk]
    with tenant_scope(world.a):
        assert queries.receivables(world.applicant, world.a, today=TODAY)[0].outstanding == 3150  # its own only
        assert len(queries.receivables(world.applicant, world.a, today=TODAY)) == 1
        assert queries.receivables(world.supplier, world.a, today=TODAY) == []
