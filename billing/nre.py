"""The NRE statement's computation (一次性工程費用), framework-free: inputs in, the whole trail out.

Seed 000_9617a3b789ca4d20.txt, 收費規範 ◆ 一次性工程費用(NRE):

- (a) 供應商之一次性工程費用(含人力成本、耗材、打樣與試作成本)由供應商與需求端業主協商 — each supplier's NRE is
  an agreed amount with its agreement document: recorded, **not computed** (:class:`SupplierItem`);
- (b) 平台服務團隊之人力成本依(實際工時與費率相乘加總)乘以(評定之分級折扣) — the platform team's labour is
  Σ(hours × the role's rate) × the tier discount set by the final review (``ReviewDecision.labour_share_percent``:
  the applicant's share, in percent, of that sum);
- 耗材、打樣與試作成本不優惠 — consumables, prototyping and trial production at cost, never discounted
  (:class:`CostItem`);
- 需求端於此項目需分攤之成本不高於50% — the applicant's share of (b) is at most 50% of Σ(hours × rate): a hard
  ceiling. The ceiling is ``floor(Σ × 50 / 100)`` (rounding *down*, so the share never exceeds 50%); the
  discounted labour is ``Σ × share / 100`` rounded half-up; the labour charged is the smaller of the two and
  ``cap_binding`` says whether the ceiling decided it (it does for a share above 50%, and for a 50% share of an
  odd Σ, where half-up rounding would exceed half by 0.5 NTD).

Each labour line is ``hours × rate`` rounded half-up to the NTD (hours have two decimal places); Σ is the sum of
the rounded lines, so the trail adds up as printed. Tax is not here: it is computed once per invoice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from billing.money import HUNDRED, hours, ntd, ntd_floor, times, to_decimal

#: Seed 000: 需求端於此項目需分攤之成本不高於50%.
MAX_APPLICANT_SHARE_PERCENT = 50

#: The at-cost kinds of seed 000 (耗材、打樣與試作成本不優惠); the values are billing.enums.BillableService codes.
COST_KINDS = ("consumables", "prototyping", "trial_production")


@dataclass(frozen=True)
class LabourInput:
    """One report's hours for one role, priced at one rate-card version (``rate``: NTD per hour, int)."""

    report_id: int
    report_label: str
    period_start: date
    period_end: date
    role: str
    hours: Decimal
    rate: int
    rate_version_id: int | None = None


@dataclass(frozen=True)
class LabourLine:
    """A trail line: ``hours × rate = amount`` (NTD, half-up)."""

    source: LabourInput
    amount: int


@dataclass(frozen=True)
class CostItem:
    """A cost charged at cost and never discounted: ``kind`` one of :data:`COST_KINDS`, ``amount`` NTD ≥ 0."""

    kind: str
    description: str
    amount: int


@dataclass(frozen=True)
class SupplierItem:
    """A supplier's agreed NRE (seed 000 (a)): ``amount`` NTD ≥ 0 as agreed, ``document`` names the agreement."""

    supplier: str
    description: str
    amount: int
    document: str = ""


@dataclass(frozen=True)
class NreComputation:
    """The whole trail of one NRE statement (all amounts integer NTD).

    ``labour_gross`` Σ(hours × rate); ``labour_discounted`` = gross × ``share_percent`` / 100 half-up;
    ``labour_cap`` = floor(gross × 50 / 100); ``labour_due`` = min(discounted, cap); ``cap_binding`` whether the
    cap decided it; ``costs_total`` the at-cost items; ``supplier_total`` the agreed supplier NRE; ``subtotal`` =
    labour_due + costs_total + supplier_total (before tax, which the invoice adds).
    """

    labour_lines: tuple[LabourLine, ...]
    labour_gross: int
    share_percent: Decimal
    labour_discounted: int
    labour_cap: int
    labour_due: int
    cap_binding: bool
    costs: tuple[CostItem, ...] = field(default=())
    costs_total: int = 0
    supplier_items: tuple[SupplierItem, ...] = field(default=())
    supplier_total: int = 0
    subtotal: int = 0

    @property
    def labour_discount_amount(self) -> int:
        """What the tier discount and the cap took off the gross labour (NTD)."""
        return self.labour_gross - self.labour_due

    def as_dict(self) -> dict:
        """A JSON-ready copy of the trail (Decimals and dates as strings), for the API and the frozen record."""
        return {
            "labour_lines": [
                {
                    "report_id": line.source.report_id,
                    "report_label": line.source.report_label,
                    "period_start": line.source.period_start.isoformat(),
                    "period_end": line.source.period_end.isoformat(),
                    "role": line.source.role,
                    "hours": str(line.source.hours),
                    "rate": line.source.rate,
                    "rate_version_id": line.source.rate_version_id,
                    "amount": line.amount,
                }
                for line in self.labour_lines
            ],
            "labour_gross": self.labour_gross,
            "share_percent": str(self.share_percent),
            "labour_discounted": self.labour_discounted,
            "labour_cap": self.labour_cap,
            "labour_due": self.labour_due,
            "cap_binding": self.cap_binding,
            "costs": [{"kind": c.kind, "description": c.description, "amount": c.amount} for c in self.costs],
            "costs_total": self.costs_total,
            "supplier_items": [
                {"supplier": s.supplier, "description": s.description, "amount": s.amount, "document": s.document}
                for s in self.supplier_items
            ],
            "supplier_total": self.supplier_total,
            "subtotal": self.subtotal,
        }


def _amount(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} is an integer NTD")
    if value < 0:
        raise ValueError(f"{what} cannot be negative")
    return value


def compute_nre(
    labour: list[LabourInput] | tuple[LabourInput, ...],
    *,
    share_percent: Decimal | int | str,
    costs: list[CostItem] | tuple[CostItem, ...] = (),
    supplier_items: list[SupplierItem] | tuple[SupplierItem, ...] = (),
) -> NreComputation:
    """The NRE trail for ``labour`` lines at the case's tier discount ``share_percent`` (0-100, Decimal).

    Raises ValueError for a share outside 0-100, negative or over-precise hours, negative amounts or rates,
    an unknown cost kind; TypeError for floats or non-integer money. Pure: the same inputs give the same trail.
    """
    share = to_decimal(share_percent)
    if share < 0 or share > HUNDRED:
        raise ValueError("the tier discount is a percentage between 0 and 100")
    lines = []
    for item in labour:
        _amount(item.rate, "a rate")
        lines.append(LabourLine(source=item, amount=times(hours(item.hours), item.rate)))
    gross = sum(line.amount for line in lines)
    discounted = ntd(gross * share / HUNDRED)
    cap = ntd_floor(Decimal(gross) * MAX_APPLICANT_SHARE_PERCENT / HUNDRED)
    due = min(discounted, cap)
    for cost in costs:
        if cost.kind not in COST_KINDS:
            raise ValueError(f"unknown cost kind {cost.kind!r}")
        _amount(cost.amount, "a cost")
    for item in supplier_items:
        _amount(item.amount, "a supplier's NRE")
    costs_total = sum(c.amount for c in costs)
    supplier_total = sum(s.amount for s in supplier_items)
    return NreComputation(
        labour_lines=tuple(lines),
        labour_gross=gross,
        share_percent=share,
        labour_discounted=discounted,
        labour_cap=cap,
        labour_due=due,
        cap_binding=discounted > cap,
        costs=tuple(costs),
        costs_total=costs_total,
        supplier_items=tuple(supplier_items),
        supplier_total=supplier_total,
        subtotal=due + costs_total + supplier_total,
    )
