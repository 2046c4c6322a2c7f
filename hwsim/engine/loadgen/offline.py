"""Offline scenario in virtual time (rules "Scenarios"; LoadGen ``results.cc``, ``test_settings_internal.cc``).

One query of >= ``min_sample_count`` samples at t = 0, run in back-to-back batches of ``max_batch``;
the metric is samples / time of the last completion (samples/s).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from typing import Any

from hwsim.engine.loadgen.devices import _service_ns_fn
from hwsim.engine.loadgen.results import ScenarioResult, _pct_key
from hwsim.engine.loadgen.rules import (
    CHECK_EVERY,
    MIN_DURATION_S,
    NS_PER_S,
    OFFLINE_MIN_SAMPLES,
    REPORTED_PERCENTILES,
    _check_common,
)


def run_offline(
    device: Any,
    *,
    max_batch: int = 1,
    min_duration_s: float = MIN_DURATION_S,
    min_sample_count: int = OFFLINE_MIN_SAMPLES,
    expected_qps: float | None = None,
    checkpoint: Callable[[], None] | None = None,
) -> ScenarioResult:
    """Offline (rules "Scenarios": all samples in one query at start, >= 24,576 samples, 600 s).

    Sample count: with ``expected_qps`` as LoadGen (``test_settings_internal.cc``):
    ``max(min_sample_count, int(1.1 * min_duration_s * expected_qps))``; without it (hwsim) the
    smallest whole number of ``max_batch`` batches that is >= ``min_sample_count`` and lasts >=
    ``min_duration_s`` on the device. Batches run back-to-back; each sample's latency is its batch's
    completion time. Metric: samples / last completion (samples/s). ``checkpoint()``, if given, is called
    after every ``CHECK_EVERY`` batches (what it raises propagates). Raises ``ValueError``.
    """
    _check_common(min_duration_s, 1, 0)
    if max_batch < 1 or min_sample_count < 1:
        raise ValueError("max_batch and min_sample_count must be >= 1")
    svc = _service_ns_fn(device)
    min_dur_ns = int(min_duration_s * NS_PER_S + 0.5)
    sizes: list[int] = []
    if expected_qps is not None:
        if not (expected_qps > 0 and math.isfinite(expected_qps)):
            raise ValueError(f"expected_qps must be > 0, got {expected_qps!r}")
        total = max(min_sample_count, int(1.1 * min_duration_s * expected_qps))
        full, rest = divmod(total, max_batch)
        sizes = [max_batch] * full + ([rest] if rest else [])
        times = [svc(b) for b in sizes]
    else:
        times = []
        elapsed = 0
        total = 0
        while total < min_sample_count or elapsed < min_dur_ns:
            if sizes and checkpoint is not None:
                checkpoint()
            stop = len(sizes) + CHECK_EVERY
            while (total < min_sample_count or elapsed < min_dur_ns) and len(sizes) < stop:
                b = svc(max_batch)
                sizes.append(max_batch)
                times.append(b)
                elapsed += b
                total += max_batch
    # Latencies are non-decreasing batch by batch, so batch order is sorted order: statistics come
    # from cumulative counts (no per-sample list, which would hold millions of entries).
    ends: list[int] = []
    cum: list[int] = []
    now = 0
    done = 0
    weighted = 0
    for b, dt in zip(sizes, times):
        now += dt
        done += b
        weighted += b * now
        ends.append(now)
        cum.append(done)

    def at(index: int) -> float:
        return ends[bisect.bisect_right(cum, index)] / NS_PER_S

    pct = {_pct_key(p): at(int(total * p)) for p in REPORTED_PERCENTILES}
    mean, lo, hi = weighted / total / NS_PER_S, ends[0] / NS_PER_S, now / NS_PER_S
    reasons: list[str] = []
    if now < min_dur_ns:
        reasons.append(f"min duration not met: run took {now / NS_PER_S:.6g} s < {min_duration_s:g} s")
    if total < min_sample_count:
        reasons.append(f"min samples not met: {total} < {min_sample_count}")
    thr = total / (now / NS_PER_S)
    return ScenarioResult(
        scenario="Offline",
        metric_name="samples per second",
        metric_value=thr,
        metric_unit="samples/s",
        valid=not reasons,
        reasons=reasons,
        query_count=1,
        sample_count=total,
        duration_s=now / NS_PER_S,
        qps=thr,
        mean_latency_s=mean,
        min_latency_s=lo,
        max_latency_s=hi,
        percentiles=pct,
        settings={
            "max_batch": max_batch,
            "min_duration_s": min_duration_s,
            "min_sample_count": min_sample_count,
            "expected_qps": expected_qps,
        },
    )
