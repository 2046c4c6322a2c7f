"""SingleStream and MultiStream scenarios in virtual time (rules "Scenarios").

Each query is issued when the previous one completes; the metric is the early-stopping estimate of
the target-percentile latency (p90 SingleStream, p99 MultiStream; rules appendix "Early Stopping
Criterion"). "Min duration" is checked on the last *issue* time, as LoadGen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hwsim.engine import early_stopping as es
from hwsim.engine.loadgen.devices import _service_ns_fn
from hwsim.engine.loadgen.results import ScenarioResult, _fmt_ms, _latency_stats, _pct_key
from hwsim.engine.loadgen.rules import (
    CHECK_EVERY,
    MIN_DURATION_S,
    MIN_QUERY_COUNT,
    MULTISTREAM_SAMPLES_PER_QUERY,
    NS_PER_S,
    TARGET_PERCENTILE,
    _check_common,
)


def _run_streams(
    scenario: str,
    device: Any,
    samples_per_query: int,
    max_batch: int,
    min_duration_s: float,
    min_query_count: int,
    max_query_count: int,
    target_percentile: float,
    checkpoint: Callable[[], None] | None = None,
) -> ScenarioResult:
    """One query after another; ``checkpoint()`` (if given) after every ``CHECK_EVERY`` queries."""
    _check_common(min_duration_s, min_query_count, max_query_count)
    if samples_per_query < 1 or max_batch < 1:
        raise ValueError("samples_per_query and max_batch must be >= 1")
    svc = _service_ns_fn(device)
    full, rest = divmod(samples_per_query, max_batch)
    min_dur_ns = int(min_duration_s * NS_PER_S + 0.5)
    lat: list[int] = []
    append = lat.append
    now = 0
    last_issue = 0
    count = 0
    while (count < min_query_count or last_issue < min_dur_ns) and (max_query_count == 0 or count < max_query_count):
        if count and checkpoint is not None:
            checkpoint()
        stop = count + CHECK_EVERY if max_query_count == 0 else min(max_query_count, count + CHECK_EVERY)
        while (count < min_query_count or last_issue < min_dur_ns) and count < stop:
            last_issue = now
            q = 0
            for _ in range(full):
                q += svc(max_batch)
            if rest:
                q += svc(rest)
            append(q)
            now += q
            count += 1
    lat.sort()
    mean, lo, hi, pct = _latency_stats(lat)
    est = es.latency_estimate(lat, target_percentile)
    reasons: list[str] = []
    if last_issue < min_dur_ns:
        reasons.append(
            f"min duration not met: last query issued at {last_issue / NS_PER_S:.6g} s < {min_duration_s:g} s"
        )
    if count < min_query_count:
        reasons.append(f"min queries not met: {count} < {min_query_count}")
    label = f"p{_pct_key(target_percentile)}"
    if est.ok:
        est_s = est.estimate / NS_PER_S
        detail = (
            f"processed {count} queries (>= {est.min_queries}); discarded {est.discarded} highest; "
            f"{label} estimate {_fmt_ms(est_s)}"
        )
    else:
        est_s = None
        detail = f"only {count} queries; need at least {est.min_queries}"
        reasons.append(f"early stopping: not enough queries ({count} < {est.min_queries})")
    plain = lat[int(count * target_percentile)] / NS_PER_S
    return ScenarioResult(
        scenario=scenario,
        metric_name=f"{label} early-stopping latency estimate" if est.ok else f"{label} latency",
        metric_value=est_s if est_s is not None else plain,
        metric_unit="s",
        valid=not reasons,
        reasons=reasons,
        query_count=count,
        sample_count=count * samples_per_query,
        duration_s=now / NS_PER_S,
        qps=(count - 1) / (last_issue / NS_PER_S) if last_issue > 0 else 0.0,
        mean_latency_s=mean,
        min_latency_s=lo,
        max_latency_s=hi,
        percentiles=pct,
        target_percentile=target_percentile,
        early_stopping_estimate_s=est_s,
        early_stopping_ok=est.ok,
        early_stopping_detail=detail,
        settings={
            "samples_per_query": samples_per_query,
            "max_batch": max_batch,
            "min_duration_s": min_duration_s,
            "min_query_count": min_query_count,
            "max_query_count": max_query_count,
        },
    )


def run_single_stream(
    device: Any,
    *,
    min_duration_s: float = MIN_DURATION_S,
    min_query_count: int = MIN_QUERY_COUNT["SingleStream"],
    max_query_count: int = 0,
    target_percentile: float = TARGET_PERCENTILE["SingleStream"],
    checkpoint: Callable[[], None] | None = None,
) -> ScenarioResult:
    """SingleStream (rules "Scenarios"; LoadGen ``TestScenario::SingleStream``).

    One sample per query, next query issued when the previous completes, so each latency is the
    device's ``service_time_s(1)``. Metric: p90 early-stopping estimate (seconds). ``checkpoint()``, if
    given, is called after every ``CHECK_EVERY`` queries (what it raises propagates). Raises ``ValueError`` on bad
    settings or a non-positive device time.
    """
    return _run_streams(
        "SingleStream", device, 1, 1, min_duration_s, min_query_count, max_query_count, target_percentile, checkpoint
    )


def run_multi_stream(
    device: Any,
    *,
    samples_per_query: int = MULTISTREAM_SAMPLES_PER_QUERY,
    max_batch: int | None = None,
    min_duration_s: float = MIN_DURATION_S,
    min_query_count: int = MIN_QUERY_COUNT["MultiStream"],
    max_query_count: int = 0,
    target_percentile: float = TARGET_PERCENTILE["MultiStream"],
    checkpoint: Callable[[], None] | None = None,
) -> ScenarioResult:
    """MultiStream (rules "Scenarios": 8 samples/query, next query when the previous completes).

    The device runs each query in ``ceil(samples_per_query / max_batch)`` back-to-back batches
    (``max_batch`` defaults to ``samples_per_query``, one batch). Metric: p99 early-stopping
    estimate of the per-query latency (seconds). ``checkpoint`` as in :func:`run_single_stream`.
    Raises ``ValueError`` on bad settings.
    """
    return _run_streams(
        "MultiStream",
        device,
        samples_per_query,
        samples_per_query if max_batch is None else max_batch,
        min_duration_s,
        min_query_count,
        max_query_count,
        target_percentile,
        checkpoint,
    )
