"""Pareto fronts of two objectives: one maximised (throughput), one minimised (cost or energy).

Pure Python, no Django. A point ``p`` is **dominated** by ``q`` when ``q`` is at least as good on both
objectives and strictly better on one: ``q.x ≥ p.x and q.y ≤ p.y and (q.x > p.x or q.y < p.y)``. The front is
every point no other point dominates; two points with equal ``(x, y)`` do not dominate each other, so both are
on the front when either is. Comparisons are exact on the floats given (deterministic: the design-space sweep
computes the same floats on every worker).

:func:`pareto_front` is O(n log n) (sort by x descending, keep the running minimum of y); :func:`brute_force_front`
is the O(n²) definition, kept for tests and the benchmark to check the fast one against. Both return indices
into the given sequence, ascending. Non-finite values raise ``ValueError``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["brute_force_front", "dominates", "pareto_front"]

Point = tuple[float, float]


def _check(points: Sequence[Point]) -> None:
    for i, (x, y) in enumerate(points):
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError(f"point {i}: objectives must be finite numbers, got ({x!r}, {y!r})")


def dominates(q: Point, p: Point) -> bool:
    """``q`` dominates ``p``: x (maximised) ≥ and y (minimised) ≤, one of them strictly."""
    return q[0] >= p[0] and q[1] <= p[1] and (q[0] > p[0] or q[1] < p[1])


def pareto_front(points: Sequence[Point]) -> list[int]:
    """Indices (ascending) of the non-dominated points of ``points`` = [(x to maximise, y to minimise), …].

    Sort by x descending; walking groups of equal x, a point is on the front when its y is the group's minimum
    and strictly below the smallest y of every higher x seen so far.
    """
    _check(points)
    order = sorted(range(len(points)), key=lambda i: (-points[i][0], points[i][1], i))
    front: list[int] = []
    best_y = math.inf  # smallest y among strictly higher x
    k = 0
    while k < len(order):
        x = points[order[k]][0]
        group_y = points[order[k]][1]  # the group's minimum (sorted by y within equal x)
        j = k
        while j < len(order) and points[order[j]][0] == x:
            i = order[j]
            if points[i][1] == group_y and group_y < best_y:
                front.append(i)
            j += 1
        best_y = min(best_y, group_y)
        k = j
    return sorted(front)


def brute_force_front(points: Sequence[Point]) -> list[int]:
    """The definition, O(n²): indices of the points no other point dominates (ascending)."""
    _check(points)
    return [i for i, p in enumerate(points) if not any(dominates(q, p) for q in points)]
