"""Business tax (營業稅) of an invoice: 5% once on its taxable total, half up to a whole NTD.

Issue 11: "Business tax 5%, computed once per invoice on its taxable total and rounded half-up to a whole NTD
(``decimal.ROUND_HALF_UP``, never Python's ``round``)". Python's ``round`` rounds half to even (banker's
rounding): ``round(10.5) == 10`` where the invoice needs 11.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

#: The business tax rate (營業稅 5%).
TAX_RATE = Decimal("0.05")


def business_tax(taxable_total: int) -> int:
    """5% of ``taxable_total`` (integer NTD, may be 0) rounded half up to whole NTD: 210 → 11, 230 → 12, 10 → 1."""
    return int((Decimal(taxable_total) * TAX_RATE).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Totals:
    """An invoice's money in integer NTD: ``sales`` (tax-exclusive Σ lines), ``taxable`` (Σ taxable lines),
    ``tax`` (:func:`business_tax` of ``taxable``) and ``total`` (tax-inclusive = sales + tax)."""

    sales: int
    taxable: int
    tax: int
    total: int


def totals(lines: Iterable[tuple[int, bool]]) -> Totals:
    """The :class:`Totals` of ``(amount, taxable)`` pairs; the tax is computed once on the taxable sum."""
    sales = taxable = 0
    for amount, is_taxable in lines:
        sales += amount
        if is_taxable:
            taxable += amount
    tax = business_tax(taxable)
    return Totals(sales=sales, taxable=taxable, tax=tax, total=sales + tax)
