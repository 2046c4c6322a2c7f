"""MLPerf Inference early-stopping criterion (binomial), pure Python.

Sources (read, re-implemented here, not copied):

- MLPerf Inference rules, ``mlcommons/inference_policies`` ``inference_rules.adoc``, appendix
  "Early Stopping Criterion" (sections "Combinatorial analysis", "Determining the Early Stopping
  Criterion", "Early Stopping Criterion"), which fixes tolerance ``d = 0`` and confidence ``c = 0.99``.
- LoadGen, ``mlcommons/inference`` ``loadgen/early_stopping.cc`` (``odds``, ``find_min_passing``,
  ``MinPassingQueriesFinder``) and ``loadgen/results.cc`` (``PerformanceSummary::EarlyStopping``).

Model. Each query is under the latency bound with probability ``p`` (the target percentile, e.g.
0.90). With ``h`` under-latency and ``t`` over-latency queries seen, the run may stop when a
*minimally failing* system (under-latency probability ``p - d``) would have produced at most ``t``
over-latency queries out of ``h + t`` with probability below ``1 - c``::

    odds(h, t) = P[Binomial(h + t, 1 - (p - d)) <= t] = I_{p-d}(h, t + 1)  <  1 - c

LoadGen evaluates the regularised incomplete beta function through a hypergeometric series; here
the binomial CDF is summed term by term in log space (exact up to float rounding, no underflow for
hundreds of thousands of queries). LoadGen tests ``prob < 1 - c`` (strict) while the rules' text
writes ``<=``; the strict LoadGen form is used. The two agree except on exact ties, which do not
occur for c = 0.99.

Because ``odds`` decreases in ``h``, the LoadGen loops reduce to single CDF evaluations for a fixed
total ``n = h + t``:

- Server: with ``t`` over-latency queries among ``n``, the run passes iff ``n >= h_min(t) + t``,
  i.e. iff ``odds(n - t, t) < 1 - c``.
- SingleStream / MultiStream: the largest ``t`` with ``n >= h_min(t) + t`` is the number of
  "allowed" over-latency queries; LoadGen discards the ``t - 1`` highest latencies and reports the
  largest remaining one, ``sorted_latencies[n - t]``. Fewer than ``h_min(1) + 1`` queries -> no
  estimate ("early stopping: not enough queries").

Reference figures (checked in ``tests/hwsim_engine/test_early_stopping.py``): for p = 0.99, c = 0.99,
d = 0: ``h_min(1) = 661``, so 662 queries are needed, the value of ``*.MultiStream.min_query_count =
662`` in LoadGen's ``loadgen/mlperf.conf``; for p = 0.90: ``h_min(1) = 63`` (64 queries).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Confidence ``c`` (LoadGen ``results.cc`` EarlyStopping; rules appendix "For our implementation").
CONFIDENCE = 0.99
#: Tolerance ``d`` (same sources).
TOLERANCE = 0.0

__all__ = [
    "CONFIDENCE",
    "TOLERANCE",
    "EarlyStoppingEstimate",
    "ServerEarlyStopping",
    "log_binomial_cdf",
    "overlatency_odds",
    "min_passing_queries",
    "max_overlatency_allowed",
    "latency_estimate",
    "server_early_stopping",
]


def _check_pdc(p: float, d: float, c: float) -> float:
    q = p - d
    if not (0.0 < q < 1.0):
        raise ValueError(f"need 0 < p - d < 1, got p={p!r}, d={d!r}")
    if not (0.0 < c < 1.0):
        raise ValueError(f"need 0 < confidence < 1, got {c!r}")
    return q


def _log_add(a: float, b: float) -> float:
    """log(exp(a) + exp(b)) without overflow/underflow."""
    if a == -math.inf:
        return b
    if a < b:
        a, b = b, a
    return a + math.log1p(math.exp(b - a))


def log_binomial_cdf(t: int, n: int, q: float) -> float:
    """Return ``log P[Binomial(n, q) <= t]`` (natural log).

    ``n`` trials, success probability ``q`` (0 < q < 1), ``t`` successes at most. Summed in log
    space from ``k = t`` downwards, stopping once the terms are decreasing and below ``e**-45`` of the
    running sum (so O(sqrt(n)) work in the tails used by early stopping, O(t) at worst).
    ``t < 0`` gives ``-inf``; ``t >= n`` gives ``0.0``. Raises ``ValueError`` if ``q`` is outside
    (0, 1) or ``n < 0``.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if not (0.0 < q < 1.0):
        raise ValueError(f"q must be in (0, 1), got {q!r}")
    if t < 0:
        return -math.inf
    if t >= n:
        return 0.0
    log_q, log_1q = math.log(q), math.log1p(-q)
    log_term = math.lgamma(n + 1) - math.lgamma(t + 1) - math.lgamma(n - t + 1) + t * log_q + (n - t) * log_1q
    total = log_term
    mode = (n + 1) * q
    log_ratio = log_1q - log_q
    k = t
    while k > 0:
        # pmf(k - 1) / pmf(k) = k / (n - k + 1) * (1 - q) / q
        log_term += math.log(k / (n - k + 1)) + log_ratio
        k -= 1
        total = _log_add(total, log_term)
        if k < mode and log_term < total - 45.0:
            break
    return min(total, 0.0)


def overlatency_odds(h: int, t: int, p: float, d: float = TOLERANCE) -> float:
    """LoadGen's ``odds(h, t, p, d)``: probability that a system whose queries meet the latency
    bound with probability ``p - d`` shows at most ``t`` over-latency queries among ``h + t``.

    Equals the regularised incomplete beta ``I_{p-d}(h, t + 1)`` (rules appendix "Combinatorial
    analysis"). Returns a float in [0, 1] (may underflow to 0.0).
    """
    q = _check_pdc(p, d, 0.5)
    if h < 0 or t < 0:
        raise ValueError(f"h and t must be >= 0, got h={h}, t={t}")
    return math.exp(log_binomial_cdf(t, h + t, 1.0 - q))


def _passes(n: int, t: int, q: float, log_alpha: float) -> bool:
    """``odds(n - t, t) < 1 - c`` with ``q = p - d`` and ``log_alpha = log(1 - c)``."""
    return log_binomial_cdf(t, n, 1.0 - q) < log_alpha


def min_passing_queries(t: int, p: float, d: float = TOLERANCE, c: float = CONFIDENCE) -> int:
    """Smallest number ``h`` of under-latency queries such that, having seen ``t`` over-latency
    queries, ``odds(h, t, p, d) < 1 - c`` (LoadGen ``MinPassingQueriesFinder``).

    ``t >= 0`` over-latency queries; ``p`` target percentile as a fraction (0.90, 0.99).
    For ``t = 0`` this is ``ceil(log(1 - c) / log(p - d))`` (44 for p = 0.90, 459 for p = 0.99).
    Raises ``ValueError`` on out-of-range ``t``, ``p``, ``d``, ``c``.
    """
    q = _check_pdc(p, d, c)
    if t < 0:
        raise ValueError(f"t must be >= 0, got {t}")
    log_alpha = math.log(1.0 - c)
    # Exponential bracket then bisection on h (odds decreases monotonically in h).
    lo, hi = 0, max(1, int(t * q / (1.0 - q)))
    while not _passes(hi + t, t, q, log_alpha):
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _passes(mid + t, t, q, log_alpha):
            hi = mid
        else:
            lo = mid
    return hi


def max_overlatency_allowed(n: int, p: float, d: float = TOLERANCE, c: float = CONFIDENCE) -> int:
    """Largest ``t`` such that ``n >= min_passing_queries(t) + t``, or ``-1`` if even ``t = 0`` fails.

    I.e. the largest ``t`` with ``P[Binomial(n, 1 - (p - d)) <= t] < 1 - c``; computed in one
    O(t) pass over the binomial CDF. ``n`` = total queries processed (>= 0).
    """
    q = _check_pdc(p, d, c)
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    log_alpha = math.log(1.0 - c)
    fail = 1.0 - q
    log_term = n * math.log1p(-fail)
    if n == 0 or log_term >= log_alpha:
        return -1
    log_ratio = math.log(fail) - math.log1p(-fail)
    total = log_term
    t = 0
    while t < n:
        log_term += math.log((n - t) / (t + 1)) + log_ratio
        new_total = _log_add(total, log_term)
        if new_total >= log_alpha:
            break
        total = new_total
        t += 1
    return t


@dataclass(frozen=True)
class EarlyStoppingEstimate:
    """Early-stopping percentile estimate for SingleStream / MultiStream (LoadGen ``results.cc``).

    ``ok``: enough queries (``n >= min_queries``). ``min_queries`` = ``h_min(1) + 1``.
    ``overlatency_allowed`` = ``t`` (>= 1 when ok, else 0); ``discarded`` = ``t - 1`` highest latencies
    dropped; ``estimate`` = ``sorted_latencies[n - t]`` in the caller's unit, ``None`` when not ok.
    """

    ok: bool
    percentile: float
    query_count: int
    min_queries: int
    overlatency_allowed: int
    discarded: int
    estimate: float | int | None


def latency_estimate(
    sorted_latencies: list,
    p: float,
    d: float = TOLERANCE,
    c: float = CONFIDENCE,
) -> EarlyStoppingEstimate:
    """Early-stopping estimate of the ``p`` percentile from ascending-sorted latencies.

    Implements the SingleStream/MultiStream algorithm of the rules appendix ("Discard the t - 1
    highest latency queries. Report the maximum latency of the remaining queries.") as LoadGen does.
    ``sorted_latencies`` must be sorted ascending (any numeric unit). Raises ``ValueError`` on bad
    ``p``/``d``/``c``.
    """
    n = len(sorted_latencies)
    h_min = min_passing_queries(1, p, d, c)
    if n < h_min + 1:
        return EarlyStoppingEstimate(False, p, n, h_min + 1, 0, 0, None)
    t = max_overlatency_allowed(n, p, d, c)
    t = max(t, 1)  # n >= h_min(1) + 1 guarantees t >= 1; guard rounding at the boundary
    return EarlyStoppingEstimate(True, p, n, h_min + 1, t, t - 1, sorted_latencies[n - t])


@dataclass(frozen=True)
class ServerEarlyStopping:
    """Server early-stopping verdict (LoadGen ``results.cc`` ``case TestScenario::Server``).

    ``ok``: ``query_count >= min_passing_queries(overlatency) + overlatency``; ``queries_needed`` is
    that right-hand side; ``more_queries_needed`` = max(0, queries_needed - query_count).
    """

    ok: bool
    query_count: int
    overlatency_count: int
    queries_needed: int
    more_queries_needed: int


def server_early_stopping(
    query_count: int,
    overlatency_count: int,
    p: float,
    d: float = TOLERANCE,
    c: float = CONFIDENCE,
) -> ServerEarlyStopping:
    """Server criterion: with ``overlatency_count`` queries over the bound among ``query_count``
    issued, is the run long enough? See the rules appendix "Early Stopping Criterion" steps 1–4.
    Raises ``ValueError`` when counts are negative or ``overlatency_count > query_count``.
    """
    if query_count < 0 or overlatency_count < 0 or overlatency_count > query_count:
        raise ValueError(f"bad counts: queries={query_count}, overlatency={overlatency_count}")
    needed = min_passing_queries(overlatency_count, p, d, c) + overlatency_count
    return ServerEarlyStopping(
        query_count >= needed, query_count, overlatency_count, needed, max(0, needed - query_count)
    )
