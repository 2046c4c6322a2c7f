"""The royalty computation (權利金), framework-free: the amount due for a sales period and its split.

Seed 000_9617a3b789ca4d20.txt, 收費規範 ◆ 權利金(Royalty): 由需求端業主、平台與各供應端成員依據服務項目、
貢獻比重協商; 分潤機制: 權利金(Royalty)於量產/銷售階段收取，權利金依據平台與各供應端成員貢獻比重進行分配.

- The royalty base is either a percentage of net sales (``BASIS_PERCENT``: ``rate_percent`` of ``net_sales``
  NTD) or an amount per unit sold (``BASIS_PER_UNIT``: ``amount_per_unit`` NTD, may have two decimals, × units).
  The due amount is rounded half-up to a whole NTD (``decimal.ROUND_HALF_UP``).
- The due amount is split by the parties' contribution shares (``Decimal`` percent, each > 0, summing to exactly
  100). **Rounding rule (largest remainder):** each party first gets ``floor(total × share / 100)``; the NTD left
  over (fewer than the number of parties) go one each to the parties with the largest fractional remainders;
  equal remainders go in party order (the agreement's order: the platform first, then the suppliers as listed).
  So the parts always sum to the total, and the same inputs always give the same parts.

Example: 100 NTD in three equal thirds (33.34 / 33.33 / 33.33): exact 33.34, 33.33, 33.33 → floors 33, 33, 33,
one NTD left, largest remainder 0.34 → 34, 33, 33. With shares 33.33 / 33.33 / 33.34 it is 33, 33, 34.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from billing.money import HUNDRED, ntd, to_decimal

BASIS_PERCENT = "percent_of_net_sales"
BASIS_PER_UNIT = "per_unit"
SHARE_QUANTUM = Decimal("0.01")


@dataclass(frozen=True)
class Party:
    """A party to a royalty agreement: ``key`` a stable id (e.g. ``"platform"``, ``"org:12"``), ``share`` in %."""

    key: str
    label: str
    share: Decimal


@dataclass(frozen=True)
class PartyAmount:
    """One party's part: ``exact`` = total × share / 100 (Decimal), ``amount`` the NTD it receives,
    ``rounded_up`` whether the largest-remainder rule gave it one of the leftover NTD."""

    party: Party
    exact: Decimal
    amount: int
    rounded_up: bool


@dataclass(frozen=True)
class RoyaltyComputation:
    """``due`` (NTD) for the period from the base, and its split (parts sum to ``due``)."""

    basis: str
    net_sales: int
    units: int
    rate_percent: Decimal | None
    amount_per_unit: Decimal | None
    exact_due: Decimal
    due: int
    parts: tuple[PartyAmount, ...]

    def as_dict(self) -> dict:
        """JSON-ready (Decimals as strings)."""
        return {
            "basis": self.basis,
            "net_sales": self.net_sales,
            "units": self.units,
            "rate_percent": None if self.rate_percent is None else str(self.rate_percent),
            "amount_per_unit": None if self.amount_per_unit is None else str(self.amount_per_unit),
            "exact_due": str(self.exact_due),
            "due": self.due,
            "parts": [
                {
                    "key": p.party.key,
                    "label": p.party.label,
                    "share": str(p.party.share),
                    "exact": str(p.exact),
                    "amount": p.amount,
                    "rounded_up": p.rounded_up,
                }
                for p in self.parts
            ],
        }


def validate_shares(shares: list[Decimal] | tuple[Decimal, ...]) -> None:
    """ValueError unless every share is > 0 with at most two decimals and they sum to exactly 100."""
    if not shares:
        raise ValueError("an agreement needs at least one party")
    for share in shares:
        d = to_decimal(share)
        if d <= 0:
            raise ValueError("every share is greater than 0")
        if d.quantize(SHARE_QUANTUM) != d:
            raise ValueError("shares have at most two decimal places")
    if sum((to_decimal(s) for s in shares), Decimal(0)) != HUNDRED:
        raise ValueError("the shares must sum to exactly 100%")


def split(total: int, parties: list[Party] | tuple[Party, ...]) -> tuple[PartyAmount, ...]:
    """``total`` NTD (int ≥ 0) split by ``parties``' shares, largest remainder, ties in party order.

    Raises ValueError for a negative total or shares not summing to 100 (see :func:`validate_shares`).
    """
    if isinstance(total, bool) or not isinstance(total, int):
        raise TypeError("a royalty total is an integer NTD")
    if total < 0:
        raise ValueError("a royalty total cannot be negative")
    validate_shares([p.share for p in parties])
    exact = [Decimal(total) * to_decimal(p.share) / HUNDRED for p in parties]
    floors = [int(e.to_integral_value(rounding=ROUND_FLOOR)) for e in exact]
    left = total - sum(floors)
    # Largest fractional remainder first; equal remainders in party order (the index breaks ties).
    order = sorted(range(len(parties)), key=lambda i: (-(exact[i] - floors[i]), i))
    bumped = set(order[:left])
    return tuple(
        PartyAmount(party=p, exact=exact[i], amount=floors[i] + (1 if i in bumped else 0), rounded_up=i in bumped)
        for i, p in enumerate(parties)
    )


def royalty_due(
    *,
    basis: str,
    net_sales: int = 0,
    units: int = 0,
    rate_percent: Decimal | str | None = None,
    amount_per_unit: Decimal | str | None = None,
) -> tuple[Decimal, int]:
    """``(exact, due)``: the royalty for a period, exact and rounded half-up to the NTD.

    ``BASIS_PERCENT``: ``net_sales × rate_percent / 100``; ``BASIS_PER_UNIT``: ``units × amount_per_unit``.
    Raises ValueError for negative sales or units, a missing or negative rate, an unknown basis.
    """
    for value, what in ((net_sales, "net sales"), (units, "units")):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{what} is an integer")
        if value < 0:
            raise ValueError(f"{what} cannot be negative")
    if basis == BASIS_PERCENT:
        if rate_percent is None or to_decimal(rate_percent) < 0 or to_decimal(rate_percent) > HUNDRED:
            raise ValueError("a percentage royalty needs a rate between 0 and 100")
        exact = Decimal(net_sales) * to_decimal(rate_percent) / HUNDRED
    elif basis == BASIS_PER_UNIT:
        if amount_per_unit is None or to_decimal(amount_per_unit) < 0:
            raise ValueError("a per-unit royalty needs an amount per unit of at least 0")
        exact = Decimal(units) * to_decimal(amount_per_unit)
    else:
        raise ValueError(f"unknown royalty basis {basis!r}")
    return exact, ntd(exact)


def compute_royalty(
    *,
    basis: str,
    parties: list[Party] | tuple[Party, ...],
    net_sales: int = 0,
    units: int = 0,
    rate_percent: Decimal | str | None = None,
    amount_per_unit: Decimal | str | None = None,
) -> RoyaltyComputation:
    """The royalty due for one sales period and its split per party (see the module's rounding rule)."""
    exact, due = royalty_due(
        basis=basis, net_sales=net_sales, units=units, rate_percent=rate_percent, amount_per_unit=amount_per_unit
    )
    return RoyaltyComputation(
        basis=basis,
        net_sales=net_sales,
        units=units,
        rate_percent=None if rate_percent is None else to_decimal(rate_percent),
        amount_per_unit=None if amount_per_unit is None else to_decimal(amount_per_unit),
        exact_due=exact,
        due=due,
        parts=split(due, parties),
    )
