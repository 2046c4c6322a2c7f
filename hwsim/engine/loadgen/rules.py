"""MLPerf Inference rule constants and settings checks for :mod:`hwsim.engine.loadgen`.

Sources: MLPerf Inference rules (``mlcommons/inference_policies`` ``inference_rules.adoc``), sections
"Scenarios" (600 s duration, samples/query, tail percentiles) and "Benchmarks" (Server latency
constraints); LoadGen ``loadgen/mlperf.conf`` (per-model bounds) and ``test_settings.h``.

Default minimum query counts. The current rules only fix 600 s and make query counts optional
("submitter-selected"); they suggest 24,576 (p90) / 270,336 (p99) queries. hwsim's defaults follow the
earlier mlperf.conf / submission checklist values: SingleStream 1,024, MultiStream and Server 270,336,
Offline one query of >= 24,576 samples (current mlperf.conf: MultiStream 662, the early-stopping
minimum; Offline 24,576 for ResNet-50/RetinaNet).
"""

from __future__ import annotations

import math

#: Virtual-time resolution: latencies are integer nanoseconds, as LoadGen keeps them.
NS_PER_S = 1_000_000_000
#: Scenario loops call their ``checkpoint()`` (if given) once per this many simulated queries / batches: a few
#: ms of work (~0.1–0.3 µs per query), so a cancel raised by it lands within milliseconds at ~no cost.
CHECK_EVERY = 8192

#: Minimum duration of every scenario, seconds (rules "Scenarios" table: 600 seconds).
MIN_DURATION_S = 600.0
#: Default minimum query counts (see the module docstring for the provenance).
MIN_QUERY_COUNT = {"SingleStream": 1024, "MultiStream": 270_336, "Server": 270_336, "Offline": 1}
#: Offline: minimum samples in its single query (rules "Scenarios": "At least 24,576").
OFFLINE_MIN_SAMPLES = 24_576
#: Samples per MultiStream query (rules "Scenarios"; LoadGen ``multi_stream_samples_per_query``).
MULTISTREAM_SAMPLES_PER_QUERY = 8
#: Target tail percentiles (rules "Scenarios"; mlperf.conf ``target_latency_percentile``).
TARGET_PERCENTILE = {"SingleStream": 0.90, "MultiStream": 0.99, "Server": 0.99}
#: Percentiles reported, as LoadGen's ``latency_percentiles`` (50, 90, 95, 97, 99, 99.9).
REPORTED_PERCENTILES = (0.50, 0.90, 0.95, 0.97, 0.99, 0.999)

#: Server latency bounds in seconds, p99. Sources: rules "Benchmarks" Datacenter table (ResNet-50
#: 15 ms, RetinaNet 100 ms, RNN-T 1000 ms, BERT 130 ms) and LoadGen ``loadgen/mlperf.conf``
#: ``<model>.Server.target_latency`` (dlrm-v2 60 ms, gptj and stable-diffusion-xl 20 s). 3D-UNet has no
#: Server scenario ("N/A"; Offline/SingleStream only): ``None``. LLM TTFT/TPOT bounds are not modelled.
SERVER_LATENCY_BOUND_S: dict[str, float | None] = {
    "resnet50": 0.015,
    "retinanet": 0.100,
    "bert": 0.130,
    "rnnt": 1.000,
    "dlrm-v2": 0.060,
    "gptj": 20.0,
    "stable-diffusion-xl": 20.0,
    "3d-unet": None,
}

SCENARIOS = ("SingleStream", "MultiStream", "Server", "Offline")


def _check_common(min_duration_s: float, min_query_count: int, max_query_count: int) -> None:
    if not (min_duration_s >= 0 and math.isfinite(min_duration_s)):
        raise ValueError(f"min_duration_s must be finite and >= 0, got {min_duration_s!r}")
    if min_query_count < 1:
        raise ValueError(f"min_query_count must be >= 1, got {min_query_count}")
    if max_query_count < 0:
        raise ValueError(f"max_query_count must be >= 0 (0 = no limit), got {max_query_count}")


def resolve_latency_bound(benchmark: str | None, latency_bound_s: float | None) -> float:
    """Server latency bound in seconds from an explicit value or a benchmark name.

    Raises ``ValueError`` for an unknown benchmark, a benchmark without a Server scenario
    (3d-unet), both/neither given, or a non-positive bound.
    """
    if latency_bound_s is not None:
        if benchmark is not None:
            raise ValueError("give either benchmark or latency_bound_s, not both")
        if not (latency_bound_s > 0 and math.isfinite(latency_bound_s)):
            raise ValueError(f"latency bound must be > 0 s, got {latency_bound_s!r}")
        return float(latency_bound_s)
    if benchmark is None:
        raise ValueError("Server needs a benchmark or an explicit latency bound")
    key = benchmark.lower()
    if key not in SERVER_LATENCY_BOUND_S:
        raise ValueError(f"unknown benchmark {benchmark!r}; known: {', '.join(SERVER_LATENCY_BOUND_S)}")
    bound = SERVER_LATENCY_BOUND_S[key]
    if bound is None:
        raise ValueError(f"benchmark {benchmark!r} has no Server scenario in the rules")
    return bound
