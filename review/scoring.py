"""Rubric maths, exact: score validation per criterion kind, normalised scores, group scores, the weighted total,
the dispersion flag and each expert's leniency. Pure functions of plain values (no queries), so the meeting
board, the API and the minutes compute the same numbers.

- A **group score** is the mean of its numeric (scale / tier / yes-no) criteria, each normalised to 0..1 (1 =
  best: a tier counts down, 1 is the best tier), expressed on the scale of the group's first numeric
  criterion. When all criteria of a group share a scale (the grant-call rubric: every item 0-100) this is
  the plain mean of the items.
- The **weighted total** is Σ weight % / 100 × group score over the weighted groups, as a
  :class:`fractions.Fraction` (never a float). Seed 001_f4b2551ebc037df1.txt "三、審查原則 (一)專業審查": item 1
  = 20%, items 2-5 = 40%, items 6-8 = 25%, items 9-10 = 15% (weights by group, as in the seed's table); e.g.
  items 80 | 70 71 71 71 | 80 81 81 | 60 65 → 16 + 28.3 + 121/6 + 9.375 = ``Fraction(8861, 120)`` =
  73.841666… (shown 73.84).
- The **dispersion flag**: on one criterion the experts' values spread (max − min) over more than the tenant's
  ``review_dispersion_percent`` of the criterion's scale (max_value − min_value); seed 000's example, tiers 1
  and 3 on a 1-3 tier, spreads over 100% of the scale.
- **Leniency** of an expert: the mean, over the numeric scores they gave in closed meetings, of (their
  normalised score − the panel's mean normalised score on that criterion in that meeting), in percentage
  points of the scale; positive = more generous than their panels. An aid for the chair, never a correction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from review.enums import CriterionKind

NUMERIC_KINDS = frozenset({CriterionKind.TIER, CriterionKind.SCALE, CriterionKind.YES_NO})


def bounds(criterion: Any) -> tuple[int, int]:
    """``(lowest, highest)`` value of a numeric criterion (yes/no: 0, 1; tier: 1..max_value by default)."""
    if criterion.kind == CriterionKind.YES_NO:
        return 0, 1
    low = criterion.min_value if criterion.min_value is not None else (1 if criterion.kind == CriterionKind.TIER else 0)
    high = criterion.max_value if criterion.max_value is not None else low
    return low, high


def value_error(criterion: Any, value: Any) -> str | None:
    """The translated reason ``value`` is not a valid score of ``criterion`` (None when it is, or when it is
    empty). A text criterion takes no number; others an integer within :func:`bounds`."""
    if value is None or value == "":
        return None
    if criterion.kind == CriterionKind.TEXT:
        return _("This item takes a comment, not a number.")
    if isinstance(value, bool) or not isinstance(value, int):
        return _("Enter a whole number.")
    low, high = bounds(criterion)
    if not low <= value <= high:
        if criterion.kind == CriterionKind.TIER:
            return _("Choose a tier from %(low)s to %(high)s.") % {"low": low, "high": high}
        if criterion.kind == CriterionKind.YES_NO:
            return _("Answer yes or no.")
        return _("Enter a score from %(low)s to %(high)s.") % {"low": low, "high": high}
    return None


def normalised(criterion: Any, value: int) -> Fraction:
    """``value`` on 0..1, 1 = best (a tier counts down: tier 1 of 1-3 → 1, tier 3 → 0). A one-point scale → 1."""
    low, high = bounds(criterion)
    if high == low:
        return Fraction(1)
    if criterion.kind == CriterionKind.TIER:
        return Fraction(high - value, high - low)
    return Fraction(value - low, high - low)


def group_score(criteria: Iterable[Any], values: Mapping[int, int | None]) -> Fraction | None:
    """The mean of the group's numeric criteria (normalised), on the first numeric criterion's scale; ``values``
    maps criterion id → value. None when the group has no numeric criterion or one of them is unscored."""
    numeric = [c for c in criteria if c.kind in NUMERIC_KINDS]
    if not numeric or any(values.get(c.pk) is None for c in numeric):
        return None
    mean = sum((normalised(c, values[c.pk]) for c in numeric), Fraction(0)) / len(numeric)
    low, high = bounds(numeric[0])
    if numeric[0].kind == CriterionKind.TIER:  # back on the tier's own (descending) scale
        return high - mean * (high - low)
    return low + mean * (high - low)


def weighted_total(groups: Iterable[tuple[Any, list[Any]]], values: Mapping[int, int | None]) -> Fraction | None:
    """Σ weight_percent / 100 × :func:`group_score` over the groups with a weight (``groups``: ``(group,
    criteria)`` pairs). None when the rubric has no weighted group or a weighted group is unscored."""
    total = Fraction(0)
    weighted = False
    for group, criteria in groups:
        weight = Fraction(Decimal(group.weight_percent)) / 100
        if not weight:
            continue
        score = group_score(criteria, values)
        if score is None:
            return None
        weighted = True
        total += weight * score
    return total if weighted else None


def shown(value: Fraction | None, places: int = 2) -> Decimal | None:
    """An exact value rounded half up for display (``Fraction(8861, 120)`` → ``Decimal("73.84")``)."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(quantum, rounding=ROUND_HALF_UP)


def spread_percent(criterion: Any, values: Iterable[int]) -> Fraction | None:
    """(max − min) of ``values`` as % of the criterion's scale; None with fewer than two values."""
    vals = list(values)
    if len(vals) < 2:
        return None
    low, high = bounds(criterion)
    if high == low:
        return Fraction(0)
    return Fraction(max(vals) - min(vals), high - low) * 100


def is_dispersed(criterion: Any, values: Iterable[int], threshold_percent: int) -> bool:
    """The dispersion flag: the values spread over more than ``threshold_percent`` % of the scale."""
    spread = spread_percent(criterion, values)
    return spread is not None and spread > threshold_percent


@dataclass(frozen=True)
class ScoreRow:
    """One numeric score in a closed meeting: who, where, on what (for :func:`leniency`)."""

    expert_id: int
    meeting_id: int
    criterion: Any
    value: int


def leniency(rows: Iterable[ScoreRow]) -> dict[int, Fraction]:
    """expert id → mean deviation (percentage points of the scale) of their normalised scores from their
    panels' means, over (meeting, criterion) cells scored by at least two experts. Experts with no such cell
    are absent."""
    cells: dict[tuple[int, int], list[tuple[int, Fraction]]] = defaultdict(list)
    for row in rows:
        cells[(row.meeting_id, row.criterion.pk)].append((row.expert_id, normalised(row.criterion, row.value)))
    deviations: dict[int, list[Fraction]] = defaultdict(list)
    for scored in cells.values():
        if len(scored) < 2:
            continue
        mean = sum((v for _e, v in scored), Fraction(0)) / len(scored)
        for expert_id, v in scored:
            deviations[expert_id].append((v - mean) * 100)
    return {e: sum(d, Fraction(0)) / len(d) for e, d in deviations.items()}
