"""Server scenario in virtual time (rules "Scenarios", "Benchmarks") and the max-QPS search.

Poisson arrivals from ``random.Random(seed)`` scaled by the target QPS (common random numbers), one
FIFO work-conserving device batching up to ``max_batch`` waiting queries; see the
:mod:`hwsim.engine.loadgen` docstring for the full semantics and sources.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

from hwsim.engine import early_stopping as es
from hwsim.engine.loadgen.devices import _service_ns_fn
from hwsim.engine.loadgen.results import QpsSearchResult, ScenarioResult, _fmt_ms, _latency_stats, _pct_key
from hwsim.engine.loadgen.rules import (
    CHECK_EVERY,
    MIN_DURATION_S,
    MIN_QUERY_COUNT,
    NS_PER_S,
    TARGET_PERCENTILE,
    _check_common,
    resolve_latency_bound,
)


def _unit_gaps(seed: int, count: int, checkpoint: Callable[[], None] | None = None) -> list[float]:
    """``count`` unit-rate exponential gaps from ``random.Random(seed)`` (prefix-stable in ``count``);
    ``checkpoint()``, if given, after every ``8 * CHECK_EVERY`` gaps drawn."""
    rng = random.Random(seed)
    ex = rng.expovariate
    if checkpoint is None:
        return [ex(1.0) for _ in range(count)]
    gaps: list[float] = []
    for c in range(0, count, 8 * CHECK_EVERY):
        if c:
            checkpoint()
        gaps += [ex(1.0) for _ in range(min(count - c, 8 * CHECK_EVERY))]
    return gaps


def serve_fifo(
    arrivals: list[int],
    svc: Any,
    max_batch: int,
    bound_ns: int | None = None,
    abort_budget: int | None = None,
    checkpoint: Callable[[], None] | None = None,
) -> tuple[list[int], int, bool, int]:
    """The Server queue: one FIFO work-conserving device batching up to ``max_batch`` waiting queries.

    ``arrivals``: scheduled arrival times in ns, ascending; ``svc(n)``: service time in ns of a batch of
    ``n``. A batch starts when the device is free and its first query has arrived and takes every query
    that has arrived by then (up to ``max_batch``). Returns ``(latencies_ns, over, aborted, free_ns)``:
    per-query latency (completion minus arrival, in arrival order, NOT sorted), how many exceed
    ``bound_ns`` (0 when ``bound_ns`` is None), whether the run stopped early because ``over`` exceeded
    ``abort_budget`` (then only the queries served so far are returned) and when the device became free.
    The single implementation of the queue, used by :func:`run_server` and :func:`server_latencies_ns`.
    ``checkpoint()``, if given, is called after every :data:`~hwsim.engine.loadgen.rules.CHECK_EVERY` queries
    served (between chunks, outside the per-query loop, so it costs nothing per query; never for a run
    shorter than that); what it raises propagates unchanged (cancel).
    """
    n = len(arrivals)
    lat = [0] * n
    over = 0
    free = 0
    bound = bound_ns if bound_ns is not None else float("inf")
    if max_batch == 1:
        for c in range(0, n, CHECK_EVERY):
            if c and checkpoint is not None:
                checkpoint()
            for k in range(c, min(n, c + CHECK_EVERY)):
                a = arrivals[k]
                free = (a if a > free else free) + svc(1)
                d = free - a
                lat[k] = d
                if d > bound:
                    over += 1
                    if abort_budget is not None and over > abort_budget:
                        return lat[: k + 1], over, True, free
        return lat, over, False, free
    k = 0
    while k < n:
        if k and checkpoint is not None:
            checkpoint()
        chunk_end = min(n, k + CHECK_EVERY)
        while k < chunk_end:
            a = arrivals[k]
            start = a if a > free else free
            j = k + 1
            lim = min(n, k + max_batch)
            while j < lim and arrivals[j] <= start:
                j += 1
            free = start + svc(j - k)
            for m in range(k, j):
                d = free - arrivals[m]
                lat[m] = d
                if d > bound:
                    over += 1
            k = j
            if abort_budget is not None and over > abort_budget:
                return lat[:k], over, True, free
    return lat, over, False, free


def server_latencies_ns(
    device: Any,
    query_count: int,
    target_qps: float,
    seed: int,
    max_batch: int,
    checkpoint: Callable[[], None] | None = None,
) -> list[int]:
    """Ascending per-query latencies (ns) of the first ``query_count`` queries of :func:`run_server` at
    ``target_qps`` with ``seed`` (same arrivals, same :func:`serve_fifo` queue); used for histograms.
    ``checkpoint`` as in :func:`serve_fifo`."""
    scale = NS_PER_S / target_qps
    arrivals = []
    t = 0.0
    for gap in _unit_gaps(seed, query_count):
        t += gap * scale
        arrivals.append(int(t + 0.5))
    lat = serve_fifo(arrivals, _service_ns_fn(device), max_batch, checkpoint=checkpoint)[0]
    lat.sort()
    return lat


def run_server(
    device: Any,
    *,
    target_qps: float,
    benchmark: str | None = None,
    latency_bound_s: float | None = None,
    seed: int = 0,
    max_batch: int = 1,
    min_duration_s: float = MIN_DURATION_S,
    min_query_count: int = MIN_QUERY_COUNT["Server"],
    max_query_count: int = 0,
    target_percentile: float = TARGET_PERCENTILE["Server"],
    abort_on_failure: bool = False,
    checkpoint: Callable[[], None] | None = None,
    _gaps: list[float] | None = None,
) -> ScenarioResult:
    """Server (rules "Scenarios" and "Benchmarks"; LoadGen ``TestScenario::Server``).

    Poisson arrivals at ``target_qps`` queries/s (1 sample each), seeded by ``seed``; FIFO single
    device batching up to ``max_batch`` waiting queries (see the module docstring). Latency = completion
    minus scheduled arrival (rules "LoadGen Operation"). VALID iff min duration (last scheduled
    arrival >= ``min_duration_s``) and min query count are met, ``sorted[int(n*p99)] <= bound`` and the
    early-stopping criterion on the number of queries with latency > bound holds.

    ``abort_on_failure`` (used by :func:`find_max_qps`): stop simulating as soon as the over-bound count
    makes the run certainly INVALID; the result then has ``aborted=True`` and partial statistics.
    ``checkpoint()``, if given, is called after every :data:`~hwsim.engine.loadgen.rules.CHECK_EVERY` queries
    scheduled and served; what it raises propagates unchanged (that is how a cancelled job stops).
    Raises ``ValueError`` on bad settings (QPS <= 0, unknown benchmark, ...).
    """
    bound_s = resolve_latency_bound(benchmark, latency_bound_s)
    _check_common(min_duration_s, min_query_count, max_query_count)
    if not (target_qps > 0 and math.isfinite(target_qps)):
        raise ValueError(f"target_qps must be > 0, got {target_qps!r}")
    if max_batch < 1:
        raise ValueError(f"max_batch must be >= 1, got {max_batch}")
    svc = _service_ns_fn(device)
    bound_ns = int(bound_s * NS_PER_S + 0.5)
    min_dur_ns = int(min_duration_s * NS_PER_S + 0.5)

    # Pre-generate the schedule (LoadGen pre-generates its query schedule too).
    need = max(min_query_count, int(min_duration_s * target_qps * 1.05) + 16)
    if max_query_count:
        need = min(need, max_query_count)
    gaps = _gaps if _gaps is not None and len(_gaps) >= need else _unit_gaps(seed, need)
    scale = NS_PER_S / target_qps
    arrivals: list[int] = []
    add = arrivals.append
    t = 0.0
    i = 0
    count = 0
    last = 0
    while (count < min_query_count or last < min_dur_ns) and (max_query_count == 0 or count < max_query_count):
        if count and checkpoint is not None:
            checkpoint()
        stop = count + CHECK_EVERY if max_query_count == 0 else min(max_query_count, count + CHECK_EVERY)
        while (count < min_query_count or last < min_dur_ns) and count < stop:
            if i == len(gaps):  # rare: more arrivals needed than pre-drawn; extend deterministically
                gaps = _unit_gaps(seed, 2 * len(gaps))
            t += gaps[i] * scale
            i += 1
            last = int(t + 0.5)
            add(last)
            count += 1
    n = count

    # Over-bound budget: p99 fails once over >= n - int(n*p); early stopping fails once over > t_es.
    idx_p = int(n * target_percentile)
    budget = min(n - idx_p - 1, es.max_overlatency_allowed(n, target_percentile))
    lat, over, aborted, free = serve_fifo(
        arrivals, svc, max_batch, bound_ns, budget if abort_on_failure else None, checkpoint
    )
    done_ns = free
    lat.sort()
    mean, lo, hi, pct = _latency_stats(lat)
    reasons: list[str] = []
    if aborted:
        reasons.append(f"aborted early: {over} queries over the {_fmt_ms(bound_s)} bound exceed what {n} queries allow")
    if last < min_dur_ns:
        reasons.append(f"min duration not met: last query scheduled at {last / NS_PER_S:.6g} s < {min_duration_s:g} s")
    if n < min_query_count:
        reasons.append(f"min queries not met: {n} < {min_query_count}")
    p_s = lat[int(len(lat) * target_percentile)] / NS_PER_S if lat else 0.0
    label = f"p{_pct_key(target_percentile)}"
    if not aborted and lat[idx_p] > bound_ns:
        reasons.append(f"{label} latency {_fmt_ms(p_s)} exceeds bound {_fmt_ms(bound_s)}")
    esr = es.server_early_stopping(n, min(over, n), target_percentile)
    if not aborted and not esr.ok:
        reasons.append(
            f"early stopping: {over} of {n} queries over the bound; would need {esr.more_queries_needed} more"
        )
    last_s = last / NS_PER_S
    return ScenarioResult(
        scenario="Server",
        metric_name="scheduled samples per second",
        metric_value=(n - 1) / last_s if last > 0 else 0.0,
        metric_unit="samples/s",
        valid=not reasons,
        reasons=reasons,
        query_count=n,
        sample_count=n,
        duration_s=done_ns / NS_PER_S,
        qps=(n - 1) / last_s if last > 0 else 0.0,
        mean_latency_s=mean,
        min_latency_s=lo,
        max_latency_s=hi,
        percentiles=pct,
        target_percentile=target_percentile,
        early_stopping_ok=esr.ok and not aborted,
        early_stopping_detail=(f"{over} over-bound queries; {esr.queries_needed} queries needed, {n} processed"),
        completed_qps=(len(lat) - 1) / (done_ns / NS_PER_S) if done_ns > 0 else 0.0,
        target_qps=target_qps,
        latency_bound_s=bound_s,
        overlatency_count=over,
        aborted=aborted,
        settings={
            "seed": seed,
            "max_batch": max_batch,
            "min_duration_s": min_duration_s,
            "min_query_count": min_query_count,
            "max_query_count": max_query_count,
        },
    )


def find_max_qps(
    device: Any,
    *,
    benchmark: str | None = None,
    latency_bound_s: float | None = None,
    seed: int = 0,
    start_qps: float | None = None,
    rel_tolerance: float = 0.002,
    max_trials: int = 60,
    **server_kwargs: Any,
) -> QpsSearchResult:
    """Highest Server target QPS that is VALID, by exponential bracketing then bisection.

    Mirrors LoadGen's FindPeakPerformance idea (rules "LoadGen Operation": binary search for the
    Server QPS). Every trial uses the same ``seed`` (common random numbers), so arrivals only scale in
    time and validity is (near-)monotone in QPS. ``start_qps`` defaults to ``0.5 / service_time(1)``.
    The bracket [lo VALID, hi INVALID] is bisected until ``hi - lo <= rel_tolerance * lo``; failing
    trials abort early (``abort_on_failure``). ``server_kwargs`` go to :func:`run_server`
    (``max_batch``, ``min_duration_s``, ``min_query_count``, ``checkpoint``, ...; ``checkpoint`` is also called
    while drawing the arrival gaps). Raises ``ValueError`` on bad input.
    """
    bound = resolve_latency_bound(benchmark, latency_bound_s)
    if not (0 < rel_tolerance < 1):
        raise ValueError(f"rel_tolerance must be in (0, 1), got {rel_tolerance!r}")
    if start_qps is None:
        start_qps = 0.5 * NS_PER_S / _service_ns_fn(device)(1)
    if not (start_qps > 0 and math.isfinite(start_qps)):
        raise ValueError(f"start_qps must be > 0, got {start_qps!r}")
    min_q = server_kwargs.get("min_query_count", MIN_QUERY_COUNT["Server"])
    min_d = server_kwargs.get("min_duration_s", MIN_DURATION_S)
    trials: list[tuple[float, bool]] = []
    gaps_cache: list[list[float]] = [[]]

    checkpoint = server_kwargs.get("checkpoint")

    def trial(qps: float) -> ScenarioResult:
        need = max(min_q, int(min_d * qps * 1.05) + 16)
        if len(gaps_cache[0]) < need:
            gaps_cache[0] = _unit_gaps(seed, need, checkpoint)
        r = run_server(
            device,
            target_qps=qps,
            latency_bound_s=bound,
            seed=seed,
            abort_on_failure=True,
            _gaps=gaps_cache[0],
            **server_kwargs,
        )
        trials.append((qps, r.valid))
        return r

    best: ScenarioResult | None = None
    lo = hi = None
    q = start_qps
    r = trial(q)
    if r.valid:
        lo, best = q, r
        while len(trials) < max_trials:
            q *= 2
            r = trial(q)
            if not r.valid:
                hi = q
                break
            lo, best = q, r
    else:
        hi = q
        while len(trials) < max_trials:
            q /= 2
            r = trial(q)
            if r.valid:
                lo, best = q, r
                break
            hi = q
    if lo is None or hi is None:
        return QpsSearchResult(lo, best, trials)
    while hi - lo > rel_tolerance * lo and len(trials) < max_trials:
        mid = 0.5 * (lo + hi)
        r = trial(mid)
        if r.valid:
            lo, best = mid, r
        else:
            hi = mid
    return QpsSearchResult(lo, best, trials)
