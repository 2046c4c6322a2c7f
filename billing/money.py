"""Money arithmetic shared by the statements: integer NTD, ``Decimal`` with explicit half-up rounding.

Seed 000_9617a3b789ca4d20.txt (收費規範) prices labour by hours × rate; hours carry two decimal places (a
biweekly report's 7.25 h), so an amount is rounded once, to a whole NTD, with ``decimal.ROUND_HALF_UP``
(never Python's ``round``, which rounds half to even). Percentages are ``Decimal`` (e.g. ``Decimal("33.33")``).
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
HOURS_QUANTUM = Decimal("0.01")


def to_decimal(value: Decimal | int | str) -> Decimal:
    """``value`` as a ``Decimal``; floats are refused (TypeError) so no binary fraction reaches money."""
    if isinstance(value, float):
        raise TypeError("money and hours are never float")
    return value if isinstance(value, Decimal) else Decimal(value)


def ntd(value: Decimal | int) -> int:
    """``value`` rounded half-up to a whole NTD (``Decimal("13412.5")`` → 13413, ``Decimal("-0.5")`` → -1)."""
    return int(to_decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def ntd_floor(value: Decimal | int) -> int:
    """``value`` rounded down to a whole NTD (used for a ceiling that must never be exceeded)."""
    return int(to_decimal(value).quantize(Decimal(1), rounding=ROUND_FLOOR))


def hours(value: Decimal | int | str) -> Decimal:
    """Hours as ``Decimal`` with exactly two places; more places or a negative value raise ValueError."""
    d = to_decimal(value)
    if d < 0:
        raise ValueError("hours cannot be negative")
    q = d.quantize(HOURS_QUANTUM)
    if q != d:
        raise ValueError("hours have at most two decimal places")
    return q


def times(quantity: Decimal | int | str, unit_price: int) -> int:
    """``quantity × unit_price`` in NTD, half-up (7.25 h × 1,850 = 13,412.5 → 13,413)."""
    if isinstance(unit_price, bool) or not isinstance(unit_price, int):
        raise TypeError("a unit price is an integer NTD")
    return ntd(to_decimal(quantity) * unit_price)
