"""MLPerf-style inference scenarios in simulated (virtual) time.

MLPerf's LoadGen runs in wall-clock time only; hwsim replays its four scenarios against a simulated
device in virtual time, in integer nanoseconds (as LoadGen keeps latencies), so runs are exact,
seeded and reproducible. Pure Python, no Django.

Device protocol. A device is either a callable ``f(n) -> seconds`` or an object with a method
``service_time_s(n: int) -> float``: the time in seconds the accelerator needs for one batch of
``n >= 1`` samples. Each batch's time is rounded to the nearest nanosecond and must be > 0. If the
object has ``deterministic = True`` the time is cached per ``n`` (much faster); otherwise it is called
once per batch (e.g. a stochastic device with its own seeded RNG). :class:`ConstantDevice`,
:class:`AffineDevice` and :class:`ExponentialDevice` are provided for tests and the CLI.

Sources: MLPerf Inference rules (``mlcommons/inference_policies`` ``inference_rules.adoc``): section
"Scenarios" (query generation, 600 s duration, samples/query, tail percentiles), "Benchmarks"
(Server latency constraints), "LoadGen Operation" (latency definition, run procedure), appendix
"Early Stopping Criterion"; LoadGen (``mlcommons/inference`` ``loadgen/``): ``results.cc``
(percentile index ``sorted[int(n * p)]``, validity checks, QPS formulas), ``test_settings.h`` and
``test_settings_internal.cc`` (settings, Offline sample count), ``mlperf.conf`` (per-model bounds).

Scenario semantics (virtual time, no LoadGen overhead):

- SingleStream: 1 sample/query; next query issued when the previous completes. Metric: the p90
  early-stopping latency estimate (rules "Scenarios" table), plain p90 also reported.
- MultiStream: ``samples_per_query`` (8) samples/query, back-to-back; the device runs the query in
  batches of ``max_batch`` (default: the whole query). Query latency = completion of its last
  sample. Metric: p99 early-stopping estimate of the query latency.
- Server: Poisson arrivals at ``target_qps`` from ``random.Random(seed)`` (MT19937, as the rules
  require, but not bit-identical to LoadGen's ``std::exponential_distribution``). Unit-rate
  exponential gaps are drawn then divided by the QPS ("common random numbers": the same seed gives
  the same arrival pattern scaled in time for every QPS, so validity is monotone in the search).
  Single FIFO device, work-conserving: when it becomes free it takes every query that has arrived,
  up to ``max_batch`` (default 1 = plain FIFO, M/G/1), and never waits to fill a batch. VALID needs
  p99 latency <= bound (LoadGen ``PerfConstraintsMet``) and the early-stopping criterion on the count
  of queries with latency > bound. Metric: scheduled samples/s = (n - 1) / last scheduled arrival
  (rules FAQ: "Scheduled samples per second" is reported).
- Offline: one query of >= ``min_sample_count`` (24,576) samples at t = 0, run in batches of
  ``max_batch``; metric samples/s = samples / time of the last completion (LoadGen ``results.cc``).

Run length (rules "LoadGen Operation", step 4): queries are generated until *both* the minimum
duration has elapsed and the minimum query count is reached, unless ``max_query_count`` (0 = no
limit, as LoadGen) stops it first. Checks as LoadGen: SingleStream/MultiStream "min duration" uses
the last *issue* time, Server the last *scheduled* time, Offline the last completion.

Default minimum query counts. The current rules only fix 600 s and make query counts optional
("submitter-selected"); they suggest 24,576 (p90) / 270,336 (p99) queries. hwsim's defaults follow the
earlier mlperf.conf / submission checklist values: SingleStream 1,024, MultiStream and Server 270,336,
Offline one query of >= 24,576 samples (current mlperf.conf: MultiStream 662, the early-stopping
minimum; Offline 24,576 for ResNet-50/RetinaNet).

Layout: ``rules`` (rule constants, latency bound table, settings checks), ``devices`` (device
protocol and test devices), ``results`` (:class:`ScenarioResult`, percentiles), ``streams``
(SingleStream/MultiStream), ``server`` (Server, :func:`find_max_qps`), ``offline``; this package
re-exports their public names and :func:`run_scenario`.
"""

from __future__ import annotations

from typing import Any

# Re-exports: the public names below (``__all__``) plus the private helpers (``_service_ns_fn``,
# ``_unit_gaps``, ...) that callers and tests import from ``hwsim.engine.loadgen``.
from hwsim.engine.loadgen.devices import AffineDevice, ConstantDevice, ExponentialDevice, _service_ns_fn
from hwsim.engine.loadgen.offline import run_offline
from hwsim.engine.loadgen.results import (
    QpsSearchResult,
    ScenarioResult,
    _fmt_ms,
    _latency_stats,
    _pct_key,
)
from hwsim.engine.loadgen.rules import (
    MIN_DURATION_S,
    MIN_QUERY_COUNT,
    MULTISTREAM_SAMPLES_PER_QUERY,
    NS_PER_S,
    OFFLINE_MIN_SAMPLES,
    REPORTED_PERCENTILES,
    SCENARIOS,
    SERVER_LATENCY_BOUND_S,
    TARGET_PERCENTILE,
    _check_common,
    resolve_latency_bound,
)
from hwsim.engine.loadgen.server import _unit_gaps, find_max_qps, run_server
from hwsim.engine.loadgen.streams import _run_streams, run_multi_stream, run_single_stream

__all__ = [
    "AffineDevice",
    "ConstantDevice",
    "ExponentialDevice",
    "MIN_DURATION_S",
    "MIN_QUERY_COUNT",
    "MULTISTREAM_SAMPLES_PER_QUERY",
    "NS_PER_S",
    "OFFLINE_MIN_SAMPLES",
    "QpsSearchResult",
    "REPORTED_PERCENTILES",
    "SCENARIOS",
    "SERVER_LATENCY_BOUND_S",
    "ScenarioResult",
    "TARGET_PERCENTILE",
    "find_max_qps",
    "resolve_latency_bound",
    "run_multi_stream",
    "run_offline",
    "run_scenario",
    "run_server",
    "run_single_stream",
]


def run_scenario(scenario: str, device: Any, **kwargs: Any) -> ScenarioResult:
    """Dispatch by scenario name (``SCENARIOS``, case-insensitive). Raises ``ValueError`` if unknown."""
    by_name = {
        "singlestream": run_single_stream,
        "multistream": run_multi_stream,
        "server": run_server,
        "offline": run_offline,
    }
    fn = by_name.get(scenario.lower())
    if fn is None:
        raise ValueError(f"unknown scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}")
    return fn(device, **kwargs)
