"""The meeting board (CTO): every accepted expert's scores side by side per criterion, the dispersion flag, each
expert's weighted total (weighted rubrics) and leniency. Built in a fixed number of queries (criteria, seats,
scores, and one for leniency), whatever the panel size; the maths is :mod:`review.scoring`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace
from typing import Any

from review import scoring
from review.enums import CriterionKind, InvitationState, MeetingState
from review.models import PanelInvitation, ReviewMeeting, RubricCriterion, Score


@dataclass
class BoardRow:
    """One criterion: ``cells`` (one :class:`Score` or None per seat, in the board's seat order), the panel's
    ``mean`` (numeric kinds, shown to 2 places), ``spread`` (% of the scale) and ``dispersed`` (the flag)."""

    criterion: RubricCriterion
    cells: list[Score | None]
    mean: Decimal | None = None
    spread: Decimal | None = None
    dispersed: bool = False


@dataclass
class Board:
    """``seats``: accepted invitations (lead first); ``rows``: :class:`BoardRow` per criterion in rubric order;
    ``totals``: each seat's weighted total (None when unweighted or incomplete), ``panel_total`` their mean;
    ``leniency``: each seat's expert's leniency in percentage points (None without history);
    ``threshold``: the tenant's dispersion threshold (%)."""

    seats: list[PanelInvitation]
    rows: list[BoardRow]
    totals: list[Decimal | None] = field(default_factory=list)
    panel_total: Decimal | None = None
    weighted: bool = False
    leniency: list[Decimal | None] = field(default_factory=list)
    threshold: int = 50
    #: weighted rubrics: ``(group, [group score per seat])`` (:func:`review.scoring.group_score`, shown)
    group_rows: list[tuple[Any, list[Decimal | None]]] = field(default_factory=list)

    @property
    def columns(self) -> list[tuple[PanelInvitation, Decimal | None, Decimal | None]]:
        """``(seat, total, leniency)`` per seat, for the header and footer."""
        return list(zip(self.seats, self.totals, self.leniency or [None] * len(self.seats), strict=True))

    @property
    def dispersed_count(self) -> int:
        return sum(row.dispersed for row in self.rows)


def criteria_of(meeting: ReviewMeeting) -> list[RubricCriterion]:
    """The meeting's rubric criteria with their groups, in rubric order (one query)."""
    return list(RubricCriterion.objects.filter(rubric_id=meeting.rubric_id).select_related("group"))


def _groups(criteria: list[RubricCriterion]) -> list[tuple[Any, list[RubricCriterion]]]:
    groups: dict[int, tuple[Any, list[RubricCriterion]]] = {}
    for criterion in criteria:
        groups.setdefault(criterion.group_id, (criterion.group, []))[1].append(criterion)
    return list(groups.values())


def leniency_of(expert_ids: list[int]) -> dict[int, Fraction]:
    """expert id → :func:`review.scoring.leniency` over the current tenant's closed meetings those experts sat
    on (one query; every panel member's numeric scores of those meetings make the panel means)."""
    if not expert_ids:
        return {}
    sat = ReviewMeeting.objects.filter(
        state=MeetingState.CLOSED, invitations__expert_id__in=expert_ids, invitations__state=InvitationState.ACCEPTED
    ).values("pk")
    rows = Score.objects.filter(
        invitation__meeting__in=sat,
        invitation__state=InvitationState.ACCEPTED,
        criterion__kind__in=scoring.NUMERIC_KINDS,
        value__isnull=False,
    ).values_list(
        "invitation__expert_id",
        "invitation__meeting_id",
        "criterion_id",
        "criterion__kind",
        "criterion__min_value",
        "criterion__max_value",
        "value",
    )
    criteria: dict[int, Any] = {}
    score_rows = []
    for expert_id, meeting_id, cid, kind, low, high, value in rows:
        criterion = criteria.setdefault(cid, SimpleNamespace(pk=cid, kind=kind, min_value=low, max_value=high))
        score_rows.append(scoring.ScoreRow(expert_id, meeting_id, criterion, value))
    result = scoring.leniency(score_rows)
    return {e: v for e, v in result.items() if e in set(expert_ids)}


def meeting_board(meeting: ReviewMeeting, *, with_leniency: bool = True, criteria: list[Any] | None = None) -> Board:
    """The board of ``meeting`` (see :class:`Board`); ``with_leniency`` False for an expert's view (the aid is
    the chair's). 3 queries, plus 1 for leniency."""
    criteria = criteria if criteria is not None else criteria_of(meeting)
    seats = list(
        PanelInvitation.objects.filter(meeting=meeting, state=InvitationState.ACCEPTED)
        .select_related("expert__user")
        .order_by("-is_lead", "pk")
    )
    scores: dict[tuple[int, int], Score] = {
        (s.invitation_id, s.criterion_id): s for s in Score.objects.filter(invitation__in=[seat.pk for seat in seats])
    }
    threshold = meeting.tenant.config.review_dispersion_percent
    rows = []
    for criterion in criteria:
        cells = [scores.get((seat.pk, criterion.pk)) for seat in seats]
        row = BoardRow(criterion, cells)
        if criterion.kind != CriterionKind.TEXT:
            values = [c.value for c in cells if c is not None and c.value is not None]
            if values:
                row.mean = scoring.shown(Fraction(sum(values), len(values)))
            spread = scoring.spread_percent(criterion, values)
            row.spread = scoring.shown(spread, 0)
            row.dispersed = scoring.is_dispersed(criterion, values, threshold)
        rows.append(row)
    groups = _groups(criteria)
    weighted = any(group.weight_percent for group, _c in groups)
    exact_totals = [
        scoring.weighted_total(groups, {c.pk: getattr(scores.get((seat.pk, c.pk)), "value", None) for c in criteria})
        for seat in seats
    ]
    complete = [t for t in exact_totals if t is not None]
    group_rows = []
    if weighted:
        for group, members in groups:
            if not group.weight_percent:
                continue
            per_seat = [
                scoring.shown(
                    scoring.group_score(
                        members, {c.pk: getattr(scores.get((seat.pk, c.pk)), "value", None) for c in members}
                    )
                )
                for seat in seats
            ]
            group_rows.append((group, per_seat))
    board = Board(
        seats=seats,
        rows=rows,
        totals=[scoring.shown(t) for t in exact_totals],
        panel_total=scoring.shown(sum(complete, Fraction(0)) / len(complete)) if complete else None,
        weighted=weighted,
        threshold=threshold,
        group_rows=group_rows,
    )
    if with_leniency:
        by_expert = leniency_of([seat.expert_id for seat in seats])
        board.leniency = [scoring.shown(by_expert.get(seat.expert_id), 1) for seat in seats]
    return board
