"""Business tax 5% once per invoice, half up to whole NTD (issue 11: decimal.ROUND_HALF_UP, never round())."""

from __future__ import annotations

import pytest

from billing.tax import business_tax, totals


@pytest.mark.parametrize(
    ("taxable", "tax"),
    [
        (210, 11),  # 10.5 → 11 (a taxable total ending in 10; Python's round(10.5) gives 10)
        (230, 12),  # 11.5 → 12 (ending in 30; round(11.5) gives 12 too)
        (10, 1),  # 0.5 → 1 (round(0.5) gives 0)
        (50, 3),  # 2.5 → 3 (round(2.5) gives 2)
        (209, 10),  # 10.45 → 10
        (100_000, 5_000),
        (0, 0),
    ],
)
def test_five_percent_half_up(taxable: int, tax: int) -> None:
    assert business_tax(taxable) == tax


def test_bankers_rounding_would_differ() -> None:
    # the cases above where Python's round (half to even) gives another figure than the invoice needs
    assert round(210 * 0.05) == 10 and business_tax(210) == 11
    assert round(10 * 0.05) == 0 and business_tax(10) == 1


def test_tax_once_on_the_taxable_total_not_per_line() -> None:
    # two lines of 10: per-line half-up would give 1 + 1 = 2; once on 20 gives 1
    found = totals([(10, True), (10, True), (500, False)])
    assert (found.sales, found.taxable, found.tax, found.total) == (520, 20, 1, 521)
