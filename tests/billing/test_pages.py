"""Invoice pages: visibility per role, finance's actions, 409 on an issued invoice, bounded list queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from billing.models import Invoice
from platform_site.tenancy import tenant_scope
from tests.billing.factories import draft, issued

pytestmark = pytest.mark.django_db

JAN = date(2026, 1, 15)


def url(name: str, **kwargs) -> str:
    return reverse(f"billing:{name}", kwargs={"tenant_slug": "tsmp", **kwargs})


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def test_finance_drafts_issues_pays_from_the_pages(en, world) -> None:
    en.force_login(world.finance)
    response = en.post(
        url("invoice_create"),
        {
            "buyer_organization": world.org_a.pk,
            "buyer_name": "",
            "buyer_ubn": "",
            "invoice_address": "",
            "line-service": "nre_platform_labour",
            "line-description": "Platform labour, January",
            "line-quantity": "12.5",
            "line-unit": "hour",
            "line-unit_price": "1700",
            "line-taxable": "on",
        },
    )
    assert response.status_code == 302
    with tenant_scope(world.a):
        invoice = Invoice.objects.get()
    assert (invoice.sales_amount, invoice.tax_amount, invoice.total_amount) == (21250, 1063, 22313)  # 1062.5 → 1063
    assert en.post(url("invoice_issue", pk=invoice.pk)).status_code == 302
    assert en.post(url("payment_add", pk=invoice.pk), {"amount": "22313", "paid_on": "2026-01-01"}).status_code == 302
    with tenant_scope(world.a):
        invoice.refresh_from_db()
    assert invoice.state == "paid" and invoice.number.startswith("TSMP-R-")
    page = en.get(url("invoice", pk=invoice.pk)).content.decode()
    assert invoice.number in page and "22,313" in page


def test_a_free_service_line_is_refused_by_the_form(en, world) -> None:
    en.force_login(world.finance)
    invoice = draft(world, 100)
    response = en.post(
        url("line_add", pk=invoice.pk),
        {"line-service": "needs_analysis", "line-description": "x", "line-quantity": "1", "line-unit_price": "0"},
    )
    assert response.status_code == 400
    with tenant_scope(world.a):
        assert invoice.lines.count() == 1


def test_an_issued_invoice_cannot_be_edited_from_the_pages(en, world) -> None:
    invoice = issued(world, 1000, on=JAN)
    en.force_login(world.finance)
    edit = en.post(
        url("invoice_edit", pk=invoice.pk), {"buyer_name": "Other Co.", "buyer_ubn": "", "invoice_address": ""}
    )
    assert edit.status_code == 409 and "An issued invoice cannot be changed" in edit.content.decode()
    add = en.post(
        url("line_add", pk=invoice.pk),
        {"line-service": "consumables", "line-description": "x", "line-quantity": "1", "line-unit_price": "5"},
    )
    assert add.status_code == 409
    with tenant_scope(world.a):
        line_pk = invoice.lines.get().pk
    assert en.post(url("line_remove", pk=invoice.pk, line_pk=line_pk)).status_code == 409
    assert en.post(url("invoice_issue", pk=invoice.pk)).status_code == 409
    with tenant_scope(world.a):
        invoice.refresh_from_db()
        assert invoice.buyer_name == "南方精密金屬股份有限公司" and invoice.lines.count() == 1


def test_void_with_reason_reissues_and_the_voided_stays_listed(en, world) -> None:
    invoice = issued(world, 1000, on=JAN)
    en.force_login(world.finance)
    response = en.post(url("invoice_void", pk=invoice.pk), {"reason": "Wrong address", "reissue": "on"})
    assert response.status_code == 302
    with tenant_scope(world.a):
        corrected = Invoice.objects.get(replaces=invoice)
    assert response.url == url("invoice", pk=corrected.pk)
    listing = en.get(url("invoices")).content.decode()
    assert invoice.number in listing and 'data-state="voided"' in listing


def test_visibility_by_role(client, world) -> None:
    mine = issued(world, 100, on=JAN)
    theirs = issued(world, 200, on=JAN, org=world.org_a2)
    my_draft = draft(world, 300)
    for user in (world.finance, world.reviewer, world.cto, world.admin):
        client.force_login(user)
        page = client.get(url("invoices")).content.decode()
        assert all(f'data-invoice="{i.pk}"' in page for i in (mine, theirs, my_draft)), user
    client.force_login(world.applicant)
    page = client.get(url("invoices")).content.decode()
    assert f'data-invoice="{mine.pk}"' in page and f'data-invoice="{theirs.pk}"' not in page
    assert f'data-invoice="{my_draft.pk}"' not in page
    assert client.get(url("invoice", pk=mine.pk)).status_code == 200
    assert client.get(url("invoice", pk=theirs.pk)).status_code == 404
    assert client.get(url("invoice", pk=my_draft.pk)).status_code == 404
    assert client.post(url("invoice_issue", pk=mine.pk)).status_code == 403
    for user in (world.supplier, world.expert, world.case_manager):
        client.force_login(user)
        assert client.get(url("invoices")).status_code == 404
        assert client.get(url("invoice", pk=mine.pk)).status_code == 404
    client.force_login(world.reviewer)  # office staff see, but only finance acts
    assert client.post(url("invoice_issue", pk=my_draft.pk)).status_code == 403
    assert client.get(url("ranges")).status_code == 404 and client.get(url("exports")).status_code == 404


def test_finance_home_shows_receivables_per_applicant(en, world) -> None:
    issued(world, 1000, on=date(2020, 1, 2))  # long overdue: 1,050
    issued(world, 100, on=date(2020, 1, 2), org=world.org_a2)
    paid = issued(world, 200, on=date(2020, 1, 2))
    from billing import services

    with tenant_scope(world.a):
        services.record_payment(paid, world.finance, amount=210, paid_on=date(2020, 1, 3))
    en.force_login(world.finance)
    page = en.get(reverse("tenant_home", kwargs={"tenant_slug": "tsmp"})).content.decode()
    assert 'data-panel="billing-receivables"' in page
    assert 'data-buyer="南方精密金屬股份有限公司"' in page and "1,050" in page
    assert 'data-buyer="織采紡織股份有限公司"' in page


@pytest.mark.parametrize("count", [1, 30])
def test_list_queries_are_bounded(client, world, django_assert_max_num_queries, count: int) -> None:
    with tenant_scope(world.a):
        from billing.enums import BillableService
        from billing.models import InvoiceLine

        for _ in range(count):
            invoice = Invoice.objects.create(buyer_name="X", buyer_organization=world.org_a, total_amount=1)
            InvoiceLine.objects.create(
                invoice=invoice,
                service=BillableService.CONSUMABLES,
                description="x",
                quantity=1,
                unit_price=1,
                amount=1,
            )
    for user in (world.finance, world.applicant):
        client.force_login(user)
        with django_assert_max_num_queries(12):
            assert client.get(url("invoices")).status_code == 200
        with django_assert_max_num_queries(12):
            assert client.get("/api/v1/t/tsmp/billing/invoices/").status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_finance_home_and_detail_queries_are_bounded(client, world, django_assert_max_num_queries, count: int) -> None:
    from billing import services
    from billing.enums import BillableService
    from billing.models import InvoiceLine

    with tenant_scope(world.a):
        for i in range(count):
            org = world.org_a if i % 2 else world.org_a2
            invoice = Invoice.objects.create(buyer_name=org.name, buyer_organization=org)
            InvoiceLine.objects.create(
                invoice=invoice,
                service=BillableService.CONSUMABLES,
                description="x",
                quantity=1,
                unit_price=1,
                amount=1,
            )
            Invoice.objects.filter(pk=invoice.pk).update(
                state="issued", number=f"N{i}", total_amount=100, issued_on=date(2020, 1, 1), due_on=date(2020, 2, 1)
            )
    paid = issued(world, 100, on=date(2020, 1, 1))
    with tenant_scope(world.a):
        services.record_payment(paid, world.finance, amount=50, paid_on=date(2020, 1, 2))
    client.force_login(world.finance)
    with django_assert_max_num_queries(25):
        body = client.get(reverse("tenant_home", kwargs={"tenant_slug": "tsmp"})).content.decode()
    assert 'data-panel="billing-receivables"' in body
    with django_assert_max_num_queries(25):
        assert client.get(url("invoice", pk=paid.pk)).status_code == 200


def test_finance_enters_a_range_and_sees_its_unused_numbers(en, world) -> None:
    en.force_login(world.finance)
    body = {"year": "2026", "period": "1", "first": "AB12345678", "last": "AB12345680"}
    assert en.post(url("ranges"), body).status_code == 302
    bad = en.post(url("ranges"), {**body, "first": "AB1234"})
    assert bad.status_code == 400 and "two capital letters and eight digits" in bad.content.decode()
    page = en.get(url("ranges")).content.decode()
    assert 'data-period="2026-01/02"' in page and "AB12345678 AB12345679 AB12345680" in page
    assert "3 unused numbers" in page
    assert en.get(url("exports")).status_code == 200
    refused = en.post(url("exports"), {"start": "2026-02-01", "end": "2026-01-01"})
    assert refused.status_code == 400 and "cannot come before its start" in refused.content.decode()
