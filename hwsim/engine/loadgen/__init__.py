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
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from hwsim.engine import early_stopping as es

NS_PER_S = 1_000_000_000

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


# --------------------------------------------------------------------------------------- devices
@dataclass(frozen=True)
class ConstantDevice:
    """Every batch takes ``service_s`` seconds regardless of its size (> 0)."""

    service_s: float
    deterministic = True

    def service_time_s(self, n: int) -> float:
        return self.service_s


@dataclass(frozen=True)
class AffineDevice:
    """A batch of ``n`` samples takes ``fixed_s + n * per_sample_s`` seconds."""

    fixed_s: float
    per_sample_s: float
    deterministic = True

    def service_time_s(self, n: int) -> float:
        return self.fixed_s + n * self.per_sample_s


class ExponentialDevice:
    """Exponentially distributed batch time, mean ``mean_s`` seconds, own seeded RNG (M/M/1 tests)."""

    deterministic = False

    def __init__(self, mean_s: float, seed: int = 0) -> None:
        if not mean_s > 0:
            raise ValueError(f"mean_s must be > 0, got {mean_s!r}")
        self.mean_s = mean_s
        self._rng = random.Random(seed)

    def service_time_s(self, n: int) -> float:
        return self._rng.expovariate(1.0 / self.mean_s)


def _service_ns_fn(device: Any) -> Callable[[int], int]:
    """Wrap a device into ``f(n) -> int nanoseconds`` (cached if deterministic). Raises ValueError."""
    fn = device.service_time_s if hasattr(device, "service_time_s") else device
    if not callable(fn):
        raise TypeError("device must be callable or have service_time_s(n)")

    def to_ns(n: int) -> int:
        s = fn(n)
        try:
            ns = int(s * NS_PER_S + 0.5)
        except (OverflowError, ValueError, TypeError):
            raise ValueError(f"device returned a non-finite service time {s!r} for n={n}") from None
        if ns <= 0:
            if not s > 0:
                raise ValueError(f"device service time must be > 0 s, got {s!r} for n={n}")
            ns = 1  # positive but below half a nanosecond: the clock's resolution
        return ns

    if getattr(device, "deterministic", False):
        cache: dict[int, int] = {}

        def cached(n: int) -> int:
            v = cache.get(n)
            if v is None:
                v = cache[n] = to_ns(n)
            return v

        return cached
    return to_ns


# ---------------------------------------------------------------------------------------- result
@dataclass
class ScenarioResult:
    """Summary of one run, like LoadGen's ``mlperf_log_summary`` (all times in seconds).

    ``metric_name``/``metric_value``/``metric_unit``: the scenario's performance metric. ``percentiles``
    maps "50", "90", "95", "97", "99", "99.9" to latencies (LoadGen index ``sorted[int(n*p)]``; per query
    for MultiStream, per sample otherwise). ``qps``: SingleStream/MultiStream completed queries/s
    ``(n-1)/last issue``; Server scheduled samples/s; Offline samples/s. ``completed_qps``: Server
    ``(n-1)/last completion``. ``early_stopping_estimate_s``: SingleStream/MultiStream estimate (None if
    too few queries). ``valid`` and ``reasons`` (empty when valid).
    """

    scenario: str
    metric_name: str
    metric_value: float
    metric_unit: str
    valid: bool
    reasons: list[str]
    query_count: int
    sample_count: int
    duration_s: float
    qps: float
    mean_latency_s: float
    min_latency_s: float
    max_latency_s: float
    percentiles: dict[str, float]
    target_percentile: float | None = None
    early_stopping_estimate_s: float | None = None
    early_stopping_ok: bool | None = None
    early_stopping_detail: str = ""
    completed_qps: float | None = None
    target_qps: float | None = None
    latency_bound_s: float | None = None
    overlatency_count: int | None = None
    aborted: bool = False
    settings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable dict (the CLI's ``result`` object)."""
        return asdict(self)


def _pct_key(p: float) -> str:
    return f"{p * 100:g}"


def _latency_stats(sorted_ns: list[int]) -> tuple[float, float, float, dict[str, float]]:
    n = len(sorted_ns)
    if n == 0:
        return 0.0, 0.0, 0.0, {_pct_key(p): 0.0 for p in REPORTED_PERCENTILES}
    pct = {_pct_key(p): sorted_ns[int(n * p)] / NS_PER_S for p in REPORTED_PERCENTILES}
    return sum(sorted_ns) / n / NS_PER_S, sorted_ns[0] / NS_PER_S, sorted_ns[-1] / NS_PER_S, pct


def _check_common(min_duration_s: float, min_query_count: int, max_query_count: int) -> None:
    if not (min_duration_s >= 0 and math.isfinite(min_duration_s)):
        raise ValueError(f"min_duration_s must be finite and >= 0, got {min_duration_s!r}")
    if min_query_count < 1:
        raise ValueError(f"min_query_count must be >= 1, got {min_query_count}")
    if max_query_count < 0:
        raise ValueError(f"max_query_count must be >= 0 (0 = no limit), got {max_query_count}")


def _fmt_ms(seconds: float) -> str:
    return f"{seconds * 1e3:.6g} ms"


# ------------------------------------------------------------------------ SingleStream/MultiStream
def _run_streams(
    scenario: str,
    device: Any,
    samples_per_query: int,
    max_batch: int,
    min_duration_s: float,
    min_query_count: int,
    max_query_count: int,
    target_percentile: float,
) -> ScenarioResult:
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
    while (count < min_query_count or last_issue < min_dur_ns) and (
        max_query_count == 0 or count < max_query_count
    ):
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
) -> ScenarioResult:
    """SingleStream (rules "Scenarios"; LoadGen ``TestScenario::SingleStream``).

    One sample per query, next query issued when the previous completes, so each latency is the
    device's ``service_time_s(1)``. Metric: p90 early-stopping estimate (seconds). Raises
    ``ValueError`` on bad settings or a non-positive device time.
    """
    return _run_streams(
        "SingleStream", device, 1, 1, min_duration_s, min_query_count, max_query_count, target_percentile
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
) -> ScenarioResult:
    """MultiStream (rules "Scenarios": 8 samples/query, next query when the previous completes).

    The device runs each query in ``ceil(samples_per_query / max_batch)`` back-to-back batches
    (``max_batch`` defaults to ``samples_per_query``, one batch). Metric: p99 early-stopping
    estimate of the per-query latency (seconds). Raises ``ValueError`` on bad settings.
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
    )


# ---------------------------------------------------------------------------------------- Server
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


def _unit_gaps(seed: int, count: int) -> list[float]:
    """``count`` unit-rate exponential gaps from ``random.Random(seed)`` (prefix-stable in ``count``)."""
    rng = random.Random(seed)
    ex = rng.expovariate
    return [ex(1.0) for _ in range(count)]


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
    lat = [0] * n
    over = 0
    aborted = False
    free = 0
    if max_batch == 1:
        for k in range(n):
            a = arrivals[k]
            free = (a if a > free else free) + svc(1)
            d = free - a
            lat[k] = d
            if d > bound_ns:
                over += 1
                if abort_on_failure and over > budget:
                    aborted = True
                    n_done = k + 1
                    break
    else:
        k = 0
        while k < n:
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
                if d > bound_ns:
                    over += 1
            k = j
            if abort_on_failure and over > budget:
                aborted = True
                n_done = k
                break
    if aborted:
        lat = lat[:n_done]
    done_ns = free
    lat.sort()
    mean, lo, hi, pct = _latency_stats(lat)
    reasons: list[str] = []
    if aborted:
        reasons.append(
            f"aborted early: {over} queries over the {_fmt_ms(bound_s)} bound exceed what {n} queries allow"
        )
    if last < min_dur_ns:
        reasons.append(
            f"min duration not met: last query scheduled at {last / NS_PER_S:.6g} s < {min_duration_s:g} s"
        )
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
        early_stopping_detail=(
            f"{over} over-bound queries; {esr.queries_needed} queries needed, {n} processed"
        ),
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


@dataclass
class QpsSearchResult:
    """Outcome of :func:`find_max_qps`.

    ``max_qps``: highest target QPS found VALID (``None`` if none); ``result``: the full (non-aborted)
    run at ``max_qps``; ``trials``: ``(qps, valid)`` in the order tried (deterministic).
    """

    max_qps: float | None
    result: ScenarioResult | None
    trials: list[tuple[float, bool]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "max_qps": self.max_qps,
            "trials": [[q, v] for q, v in self.trials],
            "result": self.result.to_dict() if self.result else None,
        }


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
    (``max_batch``, ``min_duration_s``, ``min_query_count``, ...). Raises ``ValueError`` on bad input.
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

    def trial(qps: float) -> ScenarioResult:
        need = max(min_q, int(min_d * qps * 1.05) + 16)
        if len(gaps_cache[0]) < need:
            gaps_cache[0] = _unit_gaps(seed, need)
        r = run_server(
            device, target_qps=qps, latency_bound_s=bound, seed=seed,
            abort_on_failure=True, _gaps=gaps_cache[0], **server_kwargs,
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


# --------------------------------------------------------------------------------------- Offline
def run_offline(
    device: Any,
    *,
    max_batch: int = 1,
    min_duration_s: float = MIN_DURATION_S,
    min_sample_count: int = OFFLINE_MIN_SAMPLES,
    expected_qps: float | None = None,
) -> ScenarioResult:
    """Offline (rules "Scenarios": all samples in one query at start, >= 24,576 samples, 600 s).

    Sample count: with ``expected_qps`` as LoadGen (``test_settings_internal.cc``):
    ``max(min_sample_count, int(1.1 * min_duration_s * expected_qps))``; without it (hwsim) the
    smallest whole number of ``max_batch`` batches that is >= ``min_sample_count`` and lasts >=
    ``min_duration_s`` on the device. Batches run back-to-back; each sample's latency is its batch's
    completion time. Metric: samples / last completion (samples/s). Raises ``ValueError``.
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
