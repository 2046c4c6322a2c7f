"""The invoice API under /api/v1/t/<slug>/billing/: draft, issue, payments, void, ranges; 409 when issued."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from billing.models import Invoice
from billing.services import numbering
from platform_site.tenancy import tenant_scope
from tests.billing.factories import draft, issued, uniform

pytestmark = pytest.mark.django_db
BASE = "/api/v1/t/tsmp/billing/"


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def test_finance_drafts_issues_and_records_payments(world) -> None:
    finance = api(world.finance)
    body = {
        "buyer_organization": world.org_a.pk,
        "lines": [
            {"service": "consumables", "description": "Sensors", "quantity": "3", "unit": "pcs", "unit_price": 70},
            {"service": "prototyping", "description": "PCB", "quantity": "1", "unit_price": 20, "taxable": True},
        ],
    }
    made = finance.post(f"{BASE}invoices/", body, format="json")
    assert made.status_code == 201, made.content
    data = made.json()
    assert (data["sales_amount"], data["tax_amount"], data["total_amount"], data["state"]) == (230, 12, 242, "draft")
    assert data["buyer_ubn"] == "04595257" and len(data["lines"]) == 2
    pk = data["id"]
    assert finance.patch(f"{BASE}invoices/{pk}/", {"invoice_address": "高雄市"}, format="json").status_code == 200
    done = finance.post(f"{BASE}invoices/{pk}/issue/")
    assert done.status_code == 200 and done.json()["number"] == f"TSMP-R-{timezone.localdate().year}-00001"
    refused = finance.patch(f"{BASE}invoices/{pk}/", {"buyer_name": "Someone"}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "invoice_immutable"
    assert finance.post(f"{BASE}invoices/{pk}/issue/").status_code == 409
    paid = finance.post(f"{BASE}invoices/{pk}/payments/", {"amount": 100, "paid_on": "2026-01-20"}, format="json")
    assert paid.status_code == 201
    over = finance.post(f"{BASE}invoices/{pk}/payments/", {"amount": 1000, "paid_on": "2026-01-20"}, format="json")
    assert over.status_code == 400 and over.json()["code"] == "overpaid"
    finance.post(f"{BASE}invoices/{pk}/payments/", {"amount": 142, "paid_on": "2026-01-21"}, format="json")
    detail = finance.get(f"{BASE}invoices/{pk}/").json()
    assert (detail["state"], detail["paid_amount"]) == ("paid", 242)
    assert [p["amount"] for p in finance.get(f"{BASE}invoices/{pk}/payments/").json()] == [100, 142]


def test_free_services_and_bad_ubns_are_refused(world) -> None:
    finance = api(world.finance)
    line = {"service": "matchmaking_referral", "description": "Referral", "quantity": "1", "unit_price": 0}
    assert finance.post(f"{BASE}invoices/", {"buyer_name": "X", "lines": [line]}, format="json").status_code == 400
    good = {"service": "royalty", "description": "Royalty", "quantity": "1", "unit_price": 10}
    bad = finance.post(f"{BASE}invoices/", {"buyer_name": "X", "buyer_ubn": "12345678", "lines": [good]}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_ubn"
    with tenant_scope(world.a):
        assert Invoice.objects.count() == 0


def test_void_and_reissue(world) -> None:
    invoice = issued(world, 100, on=date(2026, 1, 15))
    finance = api(world.finance)
    assert finance.post(f"{BASE}invoices/{invoice.pk}/void/", {}, format="json").status_code == 400
    answer = finance.post(f"{BASE}invoices/{invoice.pk}/void/", {"reason": "Wrong amount"}, format="json").json()
    assert answer["state"] == "draft" and answer["replaces"] == invoice.pk
    assert finance.get(f"{BASE}invoices/{invoice.pk}/").json()["state"] == "voided"


def test_ranges_and_exhaustion_over_the_api(world) -> None:
    uniform(world)
    year, period = numbering.period_of(timezone.localdate())  # issuing over the API uses today's period
    finance = api(world.finance)
    body = {"year": year, "period": period, "first": "AB12345678", "last": "AB12345678"}
    made = finance.post(f"{BASE}number-ranges/", body, format="json")
    assert made.status_code == 201 and made.json()["remaining"] == 1
    overlap = finance.post(f"{BASE}number-ranges/", {**body, "last": "AB12345690"}, format="json")
    assert overlap.status_code == 400 and overlap.json()["code"] == "range_overlap"
    assert api(world.reviewer).get(f"{BASE}number-ranges/").status_code == 404
    first, second = draft(world, 10), draft(world, 10)
    assert finance.post(f"{BASE}invoices/{first.pk}/issue/").json()["number"] == "AB12345678"
    exhausted = finance.post(f"{BASE}invoices/{second.pk}/issue/")
    assert exhausted.status_code == 409 and exhausted.json()["code"] == "numbers_exhausted"
    assert [r["remaining"] for r in finance.get(f"{BASE}number-ranges/").json()] == [0]


def test_visibility_over_the_api(world) -> None:
    mine = issued(world, 100)
    theirs = issued(world, 100, org=world.org_a2)
    unissued = draft(world, 100)
    ids = [row["id"] for row in api(world.applicant).get(f"{BASE}invoices/").json()["results"]]
    assert ids == [mine.pk]
    assert api(world.applicant).get(f"{BASE}invoices/{theirs.pk}/").status_code == 404
    assert api(world.applicant).get(f"{BASE}invoices/{unissued.pk}/").status_code == 404
    assert api(world.applicant).post(f"{BASE}invoices/{mine.pk}/void/", {"reason": "x"}).status_code == 403
    staff_ids = {row["id"] for row in api(world.reviewer).get(f"{BASE}invoices/").json()["results"]}
    assert staff_ids == {mine.pk, theirs.pk, unissued.pk}
    assert api(world.supplier).get(f"{BASE}invoices/").json()["results"] == []
    assert api(world.supplier).get(f"{BASE}invoices/{mine.pk}/").status_code == 404
    # another tenant's members and outsiders: 404
    for user in (world.b_reviewer, world.b_applicant, world.outsider):
        assert api(user).get(f"{BASE}invoices/{mine.pk}/").status_code == 404
        assert api(user).get(f"{BASE}invoices/").status_code == 404
