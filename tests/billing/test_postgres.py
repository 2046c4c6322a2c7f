"""PostgreSQL only: concurrent issuing never gives two invoices the same number (two real connections, threads
released together), and the immutability trigger refuses changes to an issued invoice even through raw SQL."""

from __future__ import annotations

import os
import threading
from datetime import date

import pytest
from django.db import DatabaseError, connection, connections, transaction

from billing.models import Invoice
from billing.services import issue_invoice
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused
from tests.billing.factories import add_range, draft, issued, uniform

POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (row locks, triggers)"),
]
JAN = date(2026, 1, 15)


def _race(world, drafts: list[Invoice]) -> list[object]:
    results: list[object] = [None] * len(drafts)
    start = threading.Barrier(len(drafts))

    def worker(index: int) -> None:
        try:
            with tenant_scope(world.a):
                invoice = Invoice.objects.get(pk=drafts[index].pk)
                start.wait()
                issue_invoice(invoice, world.finance, on=JAN)
                results[index] = Invoice.objects.get(pk=invoice.pk).number
        except TransitionRefused as exc:
            results[index] = exc.code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(drafts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_issues_get_consecutive_distinct_uniform_numbers(world) -> None:
    uniform(world)
    add_range(world, "AB12345678", "AB12345727")
    results = _race(world, [draft(world, 100), draft(world, 200)])
    assert sorted(results) == ["AB12345678", "AB12345679"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_receipts_are_gapless_and_a_range_is_never_overdrawn(world) -> None:
    results = _race(world, [draft(world, 100) for _ in range(4)])
    assert sorted(results) == [f"TSMP-R-2026-0000{n}" for n in range(1, 5)]
    uniform(world)
    add_range(world, "CD00000001", "CD00000002")
    results = _race(world, [draft(world, 100) for _ in range(3)])
    assert sorted(results, key=str) == ["CD00000001", "CD00000002", "numbers_exhausted"]


@pytest.mark.django_db(transaction=True)
def test_the_trigger_refuses_changes_to_an_issued_invoice(world) -> None:
    invoice = issued(world, 1000, on=JAN)
    with tenant_scope(world.a):
        for statement, params in (
            ("UPDATE billing_invoice SET buyer_name = %s WHERE id = %s", ["Someone else", invoice.pk]),
            ("UPDATE billing_invoice SET total_amount = 1 WHERE id = %s", [invoice.pk]),
            ("UPDATE billing_invoiceline SET amount = 1 WHERE invoice_id = %s", [invoice.pk]),
            ("DELETE FROM billing_invoiceline WHERE invoice_id = %s", [invoice.pk]),
            ("DELETE FROM billing_invoice WHERE id = %s", [invoice.pk]),
            ("UPDATE billing_invoice SET pdf_sha256 = 'x' WHERE id = %s", [invoice.pk]),
        ):
            with pytest.raises(DatabaseError, match="immutable|cannot be changed"), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(statement, params)
        # payments and the state still move
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE billing_invoice SET paid_amount = 10 WHERE id = %s", [invoice.pk])
        assert Invoice.objects.get(pk=invoice.pk).paid_amount == 10
