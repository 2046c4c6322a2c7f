"""Invoice life: draft from LineSpec items, issue, partial payments → paid, void → reissue; immutable once issued."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from billing import services
from billing.enums import BillableService
from billing.lines import LineSpec
from billing.models import Invoice, InvoiceImmutable, InvoiceLine
from platform_site.activity import history
from platform_site.models import ActivityLog
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused
from tests.billing.factories import draft, issued, line

JAN = date(2026, 1, 15)


def test_a_draft_copies_the_lines_and_computes_tax_once(world) -> None:
    invoice = draft(world, 200, 10)
    with tenant_scope(world.a):
        lines = list(invoice.lines.values_list("service", "amount", "position"))
    assert lines == [("consumables", 200, 1), ("consumables", 10, 2)]
    # taxable total 210 → 10.5 → 11 (half up)
    assert (invoice.sales_amount, invoice.tax_amount, invoice.total_amount) == (210, 11, 221)
    assert (invoice.buyer_name, invoice.buyer_ubn) == ("南方精密金屬股份有限公司", "04595257")


def test_untaxed_lines_add_to_the_sales_amount_but_not_to_the_tax(world) -> None:
    with tenant_scope(world.a):
        invoice = services.draft_invoice(
            world.a, lines=[line(230), line(1000, taxable=False)], by=world.finance, buyer_organization=world.org_a
        )
    assert (invoice.sales_amount, invoice.taxable_amount, invoice.tax_amount, invoice.total_amount) == (
        1230,
        230,
        12,
        1242,
    )


def test_free_services_are_refused_as_lines(world) -> None:
    with pytest.raises(ValidationError) as info:
        LineSpec(BillableService.REFERENCE_DESIGN, "Reference design", Decimal("1"), "式", 0, 0)
    assert info.value.code == "free_service"
    with tenant_scope(world.a):
        assert Invoice.objects.count() == 0


def test_an_invalid_ubn_and_a_missing_buyer_are_refused(world) -> None:
    with tenant_scope(world.a), pytest.raises(ValidationError) as info:
        services.draft_invoice(world.a, lines=[line(10)], by=world.finance, buyer_name="某公司", buyer_ubn="12345678")
    assert info.value.code == "invalid_ubn"
    with tenant_scope(world.a), pytest.raises(ValidationError):
        services.draft_invoice(world.a, lines=[line(10)], by=world.finance)


def test_only_finance_drafts(world) -> None:
    for user in (world.applicant, world.reviewer, world.supplier):
        with tenant_scope(world.a), pytest.raises(PermissionDenied):
            services.draft_invoice(world.a, lines=[line(10)], by=user, buyer_organization=world.org_a)


def test_issue_sets_number_dates_and_logs(world) -> None:
    invoice = issued(world, 1000, on=JAN)
    assert invoice.state == "issued" and invoice.number == "TSMP-R-2026-00001"
    assert invoice.issued_on == JAN and invoice.due_on == JAN + timedelta(days=30)
    with tenant_scope(world.a):
        actions = [entry.action for entry in history(invoice)]
    assert {"created", "money_changed", "issue"} <= set(actions)


def test_partial_payments_then_paid(world) -> None:
    invoice = issued(world, 1000, on=JAN)  # total 1050
    with tenant_scope(world.a):
        services.record_payment(invoice, world.finance, amount=50, paid_on=JAN)
        assert invoice.state == "issued" and invoice.paid_amount == 50
        with pytest.raises(ValidationError) as info:
            services.record_payment(invoice, world.finance, amount=1001, paid_on=JAN)
        assert info.value.code == "overpaid"
        services.record_payment(invoice, world.finance, amount=1000, paid_on=date(2026, 2, 1))
        invoice.refresh_from_db()
        assert (invoice.state, invoice.paid_amount, invoice.paid_on) == ("paid", 1050, date(2026, 2, 1))
        money = ActivityLog.objects.filter(object_id=invoice.pk, action="money_changed", data__field="paid_amount")
        assert sorted(entry.data["after"] for entry in money) == [50, 1050]
        with pytest.raises(TransitionRefused) as refused:
            services.record_payment(invoice, world.finance, amount=1, paid_on=JAN)
        assert refused.value.code == "not_issued"
        with pytest.raises(TransitionRefused) as refused:
            services.void_invoice(invoice, world.finance, reason="x")
        assert refused.value.code == "transition_not_allowed"


def test_void_needs_a_reason_and_reissues_a_linked_draft(world) -> None:
    invoice = issued(world, 1000, on=JAN)
    with tenant_scope(world.a):
        with pytest.raises(TransitionRefused) as info:
            services.void_invoice(invoice, world.finance, reason="  ")
        assert info.value.code == "reason_missing"
        corrected = services.void_invoice(invoice, world.finance, reason="Wrong address")
        invoice.refresh_from_db()
        assert invoice.state == "voided" and invoice.void_reason == "Wrong address" and invoice.number
        assert corrected.state == "draft" and corrected.replaces_id == invoice.pk
        assert corrected.total_amount == invoice.total_amount and corrected.lines.count() == 1


def test_voiding_a_partly_paid_invoice_is_refused(world) -> None:
    invoice = issued(world, 1000, on=JAN)
    with tenant_scope(world.a):
        services.record_payment(invoice, world.finance, amount=10, paid_on=JAN)
        with pytest.raises(TransitionRefused) as info:
            services.void_invoice(invoice, world.finance, reason="x")
    assert info.value.code == "has_payments"


def test_an_issued_invoice_is_immutable_in_the_model(world) -> None:
    invoice = issued(world, 1000, on=JAN)
    with tenant_scope(world.a):
        invoice.buyer_name = "Someone else"
        with pytest.raises(InvoiceImmutable):
            invoice.save()
        invoice.refresh_from_db()
        line_row = invoice.lines.get()
        line_row.amount = 1
        with pytest.raises(InvoiceImmutable):
            line_row.save()
        with pytest.raises(InvoiceImmutable):
            line_row.delete()
        with pytest.raises(InvoiceImmutable):
            InvoiceLine.objects.create(
                invoice=invoice, service="consumables", description="x", quantity=1, unit_price=1, amount=1
            )
        with pytest.raises(InvoiceImmutable):
            invoice.delete()
        with pytest.raises(TransitionRefused) as info:
            services.update_draft(invoice, world.finance, {"buyer_name": "X"})
        assert info.value.code == "invoice_immutable"
        with pytest.raises(TransitionRefused):
            services.add_line(invoice, line(5), world.finance)


def test_a_draft_can_be_edited_and_its_totals_follow(world) -> None:
    invoice = draft(world, 100)
    with tenant_scope(world.a):
        services.update_draft(invoice, world.finance, {"invoice_address": "高雄市楠梓區"})
        added = services.add_line(invoice, line(130), world.finance)
        invoice.refresh_from_db()
        assert (invoice.sales_amount, invoice.tax_amount, invoice.invoice_address) == (230, 12, "高雄市楠梓區")
        services.remove_line(invoice, added.pk, world.finance)
        invoice.refresh_from_db()
        assert (invoice.sales_amount, invoice.tax_amount) == (100, 5)


def test_a_company_buyer_needs_a_ubn_to_issue(world) -> None:
    world.org_a.ubn = ""
    with tenant_scope(world.a):
        world.org_a.save()
    invoice = draft(world, 100)
    with tenant_scope(world.a), pytest.raises(TransitionRefused) as info:
        services.issue_invoice(invoice, world.finance)
    assert info.value.code == "ubn_missing"
