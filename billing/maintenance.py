"""The maintenance fee (維護費) computation, framework-free.

Seed 000_9617a3b789ca4d20.txt, 收費規範 ◆ 維護費 (Maintenance Fee): 依所需之設備使用費與人力成本實報實收 — at
actual cost: equipment usage (hours × the equipment's hourly rate) plus labour (hours × the role's rate), with
**no discount** (the tier discount applies to NRE platform labour only). Each line is rounded half-up to the NTD
(hours have two decimals) and the total is the sum of the rounded lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from billing.money import hours, times

EQUIPMENT = "equipment"
LABOUR = "labour"


@dataclass(frozen=True)
class UsageInput:
    """``kind`` EQUIPMENT or LABOUR; ``label`` the equipment's name or the role; ``rate`` NTD per hour (int);
    ``rate_ref`` the equipment id or rate-card version id the rate came from."""

    kind: str
    label: str
    hours: Decimal
    rate: int
    rate_ref: int | None = None


@dataclass(frozen=True)
class UsageLine:
    """A trail line: ``hours × rate = amount`` (NTD, half-up)."""

    source: UsageInput
    amount: int


@dataclass(frozen=True)
class MaintenanceComputation:
    """Lines and totals (NTD): ``equipment_total`` + ``labour_total`` = ``total``."""

    lines: tuple[UsageLine, ...]
    equipment_total: int
    labour_total: int
    total: int

    def as_dict(self) -> dict:
        """JSON-ready (hours as strings)."""
        return {
            "lines": [
                {
                    "kind": line.source.kind,
                    "label": line.source.label,
                    "hours": str(line.source.hours),
                    "rate": line.source.rate,
                    "rate_ref": line.source.rate_ref,
                    "amount": line.amount,
                }
                for line in self.lines
            ],
            "equipment_total": self.equipment_total,
            "labour_total": self.labour_total,
            "total": self.total,
        }


def compute_maintenance(usage: list[UsageInput] | tuple[UsageInput, ...]) -> MaintenanceComputation:
    """The fee for ``usage``. Raises ValueError for an unknown kind, negative hours or rate; TypeError for floats."""
    lines = []
    for item in usage:
        if item.kind not in (EQUIPMENT, LABOUR):
            raise ValueError(f"unknown usage kind {item.kind!r}")
        if isinstance(item.rate, int) and item.rate < 0:
            raise ValueError("a rate cannot be negative")
        lines.append(UsageLine(source=item, amount=times(hours(item.hours), item.rate)))
    equipment = sum(line.amount for line in lines if line.source.kind == EQUIPMENT)
    labour = sum(line.amount for line in lines if line.source.kind == LABOUR)
    return MaintenanceComputation(
        lines=tuple(lines), equipment_total=equipment, labour_total=labour, total=equipment + labour
    )
