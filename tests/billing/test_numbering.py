"""Invoice numbers: 統一發票 drawn gapless from the allotted 字軌 ranges, refused when exhausted, unused listed;
收據 from the tenant's own gapless series (issue 11)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from billing.models import Invoice
from billing.services import issue_invoice, numbering, void_invoice
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused
from tests.billing.factories import add_range, draft, issued, uniform

JAN = date(2026, 1, 15)


def test_receipts_get_the_tenants_own_series(world) -> None:
    numbers = [issued(world, 1000, on=JAN).number for _ in range(3)]
    assert numbers == ["TSMP-R-2026-00001", "TSMP-R-2026-00002", "TSMP-R-2026-00003"]
    assert issued(world, 1000, on=date(2027, 1, 4)).number == "TSMP-R-2027-00001"


def test_uniform_invoice_numbers_are_drawn_in_order_across_ranges_then_refused(world) -> None:
    uniform(world)
    add_range(world, "AB12345678", "AB12345679")
    add_range(world, "AC00000001", "AC00000001")
    got = [issued(world, 500, on=JAN) for _ in range(3)]
    assert [inv.number for inv in got] == ["AB12345678", "AB12345679", "AC00000001"]
    assert {inv.series for inv in got} == {"2026-01/02"} and got[0].document_type == "uniform_invoice"
    extra = draft(world, 500)
    with tenant_scope(world.a), pytest.raises(TransitionRefused) as info:
        issue_invoice(extra, world.finance, on=JAN)
    assert info.value.code == "numbers_exhausted" and "2026-01/02" in info.value.message
    with tenant_scope(world.a):
        extra.refresh_from_db()
        assert extra.state == "draft" and extra.number == ""


def test_a_refused_issue_gives_its_number_back_and_voided_numbers_are_never_reused(world) -> None:
    uniform(world)
    add_range(world, "AB12345678", "AB12345727")  # the issue's example: 50 numbers
    empty = draft(world)  # no lines: refused after the number was drawn
    with tenant_scope(world.a), pytest.raises(TransitionRefused) as info:
        issue_invoice(empty, world.finance, on=JAN)
    assert info.value.code == "no_lines"
    first = issued(world, 100, on=JAN)
    assert first.number == "AB12345678"
    with tenant_scope(world.a):
        void_invoice(first, world.finance, reason="Wrong buyer address", reissue=False)
    assert issued(world, 100, on=JAN).number == "AB12345679"
    with tenant_scope(world.a):
        assert Invoice.objects.get(pk=first.pk).state == "voided"


def test_numbers_come_from_the_issue_dates_period(world) -> None:
    uniform(world)
    add_range(world, "AB12345678", "AB12345727", period=1)
    add_range(world, "CD00000100", "CD00000149", period=2)
    assert issued(world, 100, on=date(2026, 3, 1)).number == "CD00000100"
    assert issued(world, 100, on=date(2026, 2, 28)).number == "AB12345678"
    with tenant_scope(world.a), pytest.raises(TransitionRefused):
        issue_invoice(draft(world, 100), world.finance, on=date(2026, 5, 2))


def test_unused_numbers_are_listed_per_period(world) -> None:
    uniform(world)
    add_range(world, "AB12345678", "AB12345682")
    add_range(world, "EF00000001", "EF00000002", period=3)
    issued(world, 100, on=JAN)
    issued(world, 100, on=JAN)
    with tenant_scope(world.a):
        periods = numbering.ranges_by_period(world.a)
    assert [(p["label"], p["remaining"]) for p in periods] == [("2026-05/06", 2), ("2026-01/02", 3)]
    assert periods[1]["unused"] == ["AB12345680", "AB12345681", "AB12345682"]


@pytest.mark.parametrize(
    ("first", "last", "code"),
    [
        ("AB1234567", "AB12345679", "invalid_number"),
        ("AB12345679", "AB12345678", "invalid_range"),
        ("AB12345678", "AC12345679", "invalid_range"),
        ("AB12345700", "AB12345800", "range_overlap"),
    ],
)
def test_bad_ranges_are_refused(world, first: str, last: str, code: str) -> None:
    add_range(world, "AB12345678", "AB12345727")
    with pytest.raises(ValidationError) as info:
        add_range(world, first, last)
    assert info.value.code == code


def test_only_finance_enters_ranges(world) -> None:
    from django.core.exceptions import PermissionDenied

    with tenant_scope(world.a), pytest.raises(PermissionDenied):
        numbering.add_range(world.a, year=2026, period=1, first="AB12345678", last="AB12345679", by=world.reviewer)
