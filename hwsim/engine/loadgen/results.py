"""Run summaries (like LoadGen's ``mlperf_log_summary``) and latency statistics.

Percentiles use LoadGen's index ``sorted[int(n * p)]`` (``loadgen/results.cc``); times are seconds,
converted from the integer-nanosecond virtual clock.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from hwsim.engine.loadgen.rules import NS_PER_S, REPORTED_PERCENTILES


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


def _fmt_ms(seconds: float) -> str:
    return f"{seconds * 1e3:.6g} ms"


@dataclass
class QpsSearchResult:
    """Outcome of :func:`~hwsim.engine.loadgen.server.find_max_qps`.

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
