"""Cross-tenant isolation of billing beyond the route walk: each tenant's lists, series and ranges are its own."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from platform_site.enums import Role
from platform_site.tenancy import tenant_scope
from tests.billing.factories import add_range, issued, uniform
from tests.factories import persona

pytestmark = pytest.mark.django_db
JAN = date(2026, 1, 15)


def test_each_tenant_sees_and_numbers_only_its_own(client, world) -> None:
    b_finance = persona(world.b, Role.FINANCE)
    uniform(world)
    uniform(world, world.b)
    add_range(world, "AB12345678", "AB12345727")
    with tenant_scope(world.b):
        from billing.services import numbering

        numbering.add_range(world.b, year=2026, period=1, first="AB12345678", last="AB12345727", by=b_finance)
    a_invoice = issued(world, 100, on=JAN)
    b_invoice = issued(world, 100, on=JAN, tenant=world.b, org=world.org_b, by=b_finance)
    assert a_invoice.number == b_invoice.number == "AB12345678"  # gapless per tenant: separate allotments
    b_api = APIClient()
    b_api.force_authenticate(b_finance)
    assert [r["id"] for r in b_api.get("/api/v1/t/ailab/billing/invoices/").json()["results"]] == [b_invoice.pk]
    assert b_api.get(f"/api/v1/t/ailab/billing/invoices/{a_invoice.pk}/").status_code == 404
    assert b_api.post(f"/api/v1/t/ailab/billing/invoices/{a_invoice.pk}/issue/").status_code == 404
    assert b_api.post(f"/api/v1/t/ailab/billing/invoices/{a_invoice.pk}/void/", {"reason": "x"}).status_code == 404
    ranges = b_api.get("/api/v1/t/ailab/billing/number-ranges/").json()
    assert [r["remaining"] for r in ranges] == [49]
    client.force_login(b_finance)
    page = client.get("/t/ailab/billing/invoices/").content.decode()
    assert f'data-invoice="{b_invoice.pk}"' in page and f'data-invoice="{a_invoice.pk}"' not in page
    assert client.get(f"/t/ailab/billing/invoices/{a_invoice.pk}/pdf/").status_code == 404
    created = b_api.post(
        "/api/v1/t/ailab/billing/invoices/",
        {
            "buyer_organization": world.org_a.pk,
            "lines": [{"service": "royalty", "description": "x", "quantity": "1", "unit_price": 1}],
        },
        format="json",
    )
    assert created.status_code == 404  # tenant A's organisation cannot be named from tenant B
