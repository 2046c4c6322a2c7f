"""From a verification request (``spec``) to the results of a cross-platform performance verification.

The AI-chip verification lab issues 跨平台效能驗證報告 (cross-platform performance verification reports)
built on mainstream AI models and MLPerf test items (seed ``003_fa9863a310fbdc37.txt``, O3 KR1). This
module is the glue between a request and those numbers. Pure Python: it imports only
:mod:`hwsim.engine`, never Django (the Celery task of the ``hwsim`` app calls it); it lives in
``hwsim/engine/`` so ``tests/hwsim_engine/test_no_django.py`` checks that (``hwsim.runner`` re-exports it).

Input ``spec`` (JSON-serialisable; unknown keys at any level raise ``ValueError`` naming the key)::

    {"seed": int = 0, "quick": bool = False,
     "platforms": [{"key": str ([A-Za-z0-9_.-], 1–64 chars, unique; a SlugField fits), "name": str,
                    "accelerator": {AcceleratorConfig fields; "rows" and "cols" required: rows, cols,
                                    dataflow, ifmap_sram_kib, filter_sram_kib, ofmap_sram_kib,
                                    word_size_bytes, clock_ghz, bandwidth_gbps (null = unlimited),
                                    mac_energy_pj, sram_energy_pj_per_byte, dram_energy_pj_per_byte},
                    "chiplets": int = 1, "link_bandwidth_gbps": float = 64.0, "link_latency_ns": float = 10.0,
                    "link_energy_pj_per_byte": float = 4.0,
                    "node_nm": int (one of packaging.KNOWN_NODES), "chiplet_area_mm2": float (> 0),
                    "package": "os" | "fo-chip-first" | "fo-chip-last" | "si" = "os"}, ...],
     "workloads": [{"key": a key of BUILTIN_WORKLOADS (unique), "batch": int 1..1024 = 1,
                    "params": {generator parameters, e.g. bert_large seq_len/layers/per_head} = {},
                    "latency_bound_s": float (optional Server p99 bound override)}, ...],
     "scenarios": non-empty, no duplicates, from "SingleStream", "MultiStream", "Server", "Offline"}

Method per platform × workload:

* Network: :func:`~hwsim.engine.platform.simulate_network` at the workload's ``batch`` (SCALE-Sim v3
  compute cycles, roofline stalls, energy; multi-chiplet output-channel split + D2D all-gather).
* Device for the LoadGen: a batch of ``n`` samples takes the simulated network latency at batch ``n``
  (simulated lazily and cached per ``n``). SingleStream runs batches of 1; MultiStream runs each 8-sample
  query in batches of ``min(batch, 8)``; Server (dynamic batching, up to ``batch``) and Offline use
  ``max_batch = batch``.
* Server: the p99 bound is ``latency_bound_s`` if given, else the workload's MLPerf benchmark bound
  (``loadgen.SERVER_LATENCY_BOUND_S``: ResNet-50 15 ms, BERT 130 ms); workloads without an MLPerf
  benchmark (MobileNet v1, ResNet-18: image classification) get the ResNet-50 bound by analogy, stated
  in ``latency_bound_source``. :func:`~hwsim.engine.loadgen.find_max_qps` searches the highest VALID
  target QPS with the spec's ``seed``; the run at that QPS is reported. If no QPS is valid (a single
  sample already exceeds the bound) the run at the lowest QPS tried is reported, INVALID.
* ``quick=True`` shrinks the runs (no minimum duration; 64 SingleStream / 662 MultiStream and Server
  queries — the early-stopping minima — and ≥ 1,024 Offline samples) so a test finishes in well under
  a second. Every quick scenario is INVALID, with the reason, because MLPerf requires 600 s runs.
* Cost: :func:`~hwsim.engine.packaging.package_cost` of ``chiplets`` dies of ``chiplet_area_mm2`` at
  ``node_nm`` in ``package`` (1 chiplet = a monolithic die), Chiplet Actuary (DAC 2022), USD.
* ``perf_per_usd``: Offline samples/s per USD of recurring cost when Offline was requested
  (``perf_per_usd_basis = "offline_samples_per_s"``), else 1 / (batch-1 network latency in s) per USD
  (``"inverse_latency_per_s"``).

Output (JSON-serialisable, all floats finite, deterministic: same spec → identical dict)::

    {"simulator_version": str, "seed": int, "quick": bool, "scenarios": [str, ...],
     "platforms": [{"key", "name",
        "config": {normalised platform spec: all accelerator fields filled in, chiplets, link_*, node_nm,
                   chiplet_area_mm2, package},
        "cost": {"package", "chip_count", "die_yield", "package_yield", "total_cost_usd",
                 "parts": {"raw_chips_usd", "chip_defects_usd", "raw_package_usd",
                           "package_defects_usd", "wasted_kgd_usd"}},
        "workloads": [{"key", "name" (English), "name_zh_hant", "batch", "params",
            "network": {"cycles", "macs", "utilization" (0..1), "latency_s", "energy_j",
                        "compute_cycles", "stall_cycles", "dram_bytes", "link_bytes"},
            "layers": [{"name", "cycles", "macs", "utilization", "latency_s"}, ...],
            "scenarios": [{"scenario", "metric" (LoadGen metric name), "value", "unit" ("s" or
                "samples/s"), "valid", "reasons": [str], "percentiles_s": {"50","90","95","97","99","99.9"},
                "mean_latency_s", "min_latency_s", "max_latency_s", "qps", "query_count", "sample_count",
                "duration_s" (virtual seconds), "max_batch", "settings": {run settings},
                Server only: "latency_bound_s", "latency_bound_source", "target_qps", "search_trials",
                "latency_histogram": {"edges_s": [k+1 floats], "counts": [k ints]} (k ≤ 40)}, ...],
            "perf_per_usd": float, "perf_per_usd_basis": str}, ...]}, ...],
     "summary": [{"platform", "workload", "scenario", "metric", "value", "unit", "valid"}, ...]}

Histogram counts are samples (queries for MultiStream). With a deterministic device every
SingleStream/MultiStream query takes the same time, so their histogram is one bin ±0.5 % around it.
Server latencies are recomputed from the same seeded arrivals as :func:`~hwsim.engine.loadgen.run_server`
(``random.Random(seed)`` unit exponential gaps / QPS) through the same queue,
:func:`hwsim.engine.loadgen.server.serve_fifo`; a test checks the recomputed percentiles equal the LoadGen's.

``progress(fraction, message)``, if given, is called with 0.0 at the start and after every unit of work
(a platform's cost, a network simulation, a scenario), fractions non-decreasing, the last call 1.0; inside a
scenario it is also called again with the last fraction and message after every
:data:`~hwsim.engine.loadgen.rules.CHECK_EVERY` simulated queries (a few ms apart; never in a quick run's
short scenarios), so keep it cheap (throttle any I/O by time). Exceptions it raises propagate unchanged
(that is how a cancelled job stops the run, within milliseconds).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from hwsim.engine import SIMULATOR_VERSION
from hwsim.engine import loadgen as lg
from hwsim.engine.config import AcceleratorConfig
from hwsim.engine.loadgen.server import server_latencies_ns
from hwsim.engine.packaging import PACKAGE_TYPES, ChipSpec, package_cost
from hwsim.engine.platform import NetworkResult, Platform, simulate_network
from hwsim.engine.topology import parse_conv_csv, parse_gemm_csv
from hwsim.engine.workloads import BUILTIN_WORKLOADS, builtin_topology_text

__all__ = ["ACCELERATOR_KEYS", "HISTOGRAM_BINS", "MAX_BATCH", "QUICK_SETTINGS", "run_verification", "validate_spec"]

ProgressFn = Callable[[float, str], None]

ACCELERATOR_KEYS: tuple[str, ...] = tuple(f.name for f in fields(AcceleratorConfig))
TOP_KEYS = ("seed", "quick", "platforms", "workloads", "scenarios")
PLATFORM_KEYS = (
    "key",
    "name",
    "accelerator",
    "chiplets",
    "link_bandwidth_gbps",
    "link_latency_ns",
    "link_energy_pj_per_byte",
    "node_nm",
    "chiplet_area_mm2",
    "package",
)
WORKLOAD_KEYS = ("key", "batch", "params", "latency_bound_s")
MAX_BATCH = 1024
HISTOGRAM_BINS = 40
MULTISTREAM_SAMPLES = lg.MULTISTREAM_SAMPLES_PER_QUERY
#: Shrunk LoadGen settings of a quick run (the early-stopping minima: 64 queries for p90, 662 for p99).
QUICK_SETTINGS: dict[str, dict[str, float | int]] = {
    "SingleStream": {"min_duration_s": 0.0, "min_query_count": 64},
    "MultiStream": {"min_duration_s": 0.0, "min_query_count": 662},
    "Server": {"min_duration_s": 0.0, "min_query_count": 662},
    "Offline": {"min_duration_s": 0.0, "min_sample_count": 1024},
}
_KEY_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


# ------------------------------------------------------------------------------------- validation
def _check_keys(obj: Any, allowed: tuple[str, ...], where: str, required: tuple[str, ...] = ()) -> None:
    if not isinstance(obj, dict):
        raise ValueError(f"{where}: expected an object, got {type(obj).__name__}")
    for key in obj:
        if key not in allowed:
            raise ValueError(f"{where}: unknown key {key!r}; allowed: {', '.join(allowed)}")
    for key in required:
        if key not in obj:
            raise ValueError(f"{where}: missing key {key!r}")


def _int(value: Any, where: str, lo: int = 1, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < lo or (hi is not None and value > hi):
        bound = f"an integer ≥ {lo}" + (f" and ≤ {hi}" if hi is not None else "")
        raise ValueError(f"{where}: must be {bound}, got {value!r}")
    return value


def _positive(value: Any, where: str, allow_zero: bool = False) -> float:
    ok = (
        not isinstance(value, bool)
        and isinstance(value, (int, float))
        and value == value
        and value not in (float("inf"), float("-inf"))
        and (value >= 0 if allow_zero else value > 0)
    )
    if not ok:
        raise ValueError(f"{where}: must be a {'non-negative' if allow_zero else 'positive'} number, got {value!r}")
    return float(value)


def _key(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _KEY_RE.fullmatch(value):
        raise ValueError(f"{where}: must be 1–64 characters from A-Z a-z 0-9 _ . -, got {value!r}")
    return value


def _layers(key: str, params: dict, where: str) -> list:
    if key not in BUILTIN_WORKLOADS:
        raise ValueError(f"{where}.key: unknown workload {key!r}; known: {', '.join(BUILTIN_WORKLOADS)}")
    try:
        text = builtin_topology_text(key, **params)
        return parse_gemm_csv(text, key) if BUILTIN_WORKLOADS[key].kind == "gemm" else parse_conv_csv(text, key)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where}.params: {exc}") from None


def validate_spec(spec: Any) -> dict:
    """Check a spec (shape in the module docstring) and return it normalised with defaults filled in.

    Cheap (no scenario runs; parses the workloads and prices the packages), so a form or API can call it
    before queueing a run. Raises ``ValueError`` naming the offending path and key, e.g.
    ``platforms[0].accelerator: unknown key 'foo'``; engine errors (ConfigError, PackagingError) are
    ValueErrors too and are re-raised with the path prefixed.
    """
    _check_keys(spec, TOP_KEYS, "spec", ("platforms", "workloads", "scenarios"))
    seed = spec.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"spec.seed: must be an integer, got {seed!r}")
    quick = spec.get("quick", False)
    if not isinstance(quick, bool):
        raise ValueError(f"spec.quick: must be true or false, got {quick!r}")
    platforms = []
    if not isinstance(spec["platforms"], list) or not spec["platforms"]:
        raise ValueError("spec.platforms: must be a non-empty list")
    for i, p in enumerate(spec["platforms"]):
        where = f"platforms[{i}]"
        _check_keys(p, PLATFORM_KEYS, where, ("key", "name", "accelerator", "node_nm", "chiplet_area_mm2"))
        acc = p["accelerator"]
        _check_keys(acc, ACCELERATOR_KEYS, f"{where}.accelerator", ("rows", "cols"))
        name = p["name"]
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{where}.name: must be a non-empty string, got {name!r}")
        norm = {"key": _key(p["key"], f"{where}.key"), "name": name}
        try:
            norm["accelerator"] = AcceleratorConfig(**acc).to_dict()
            norm["chiplets"] = _int(p.get("chiplets", 1), f"{where}.chiplets", 1, 64)
            norm["link_bandwidth_gbps"] = _positive(p.get("link_bandwidth_gbps", 64.0), f"{where}.link_bandwidth_gbps")
            norm["link_latency_ns"] = _positive(p.get("link_latency_ns", 10.0), f"{where}.link_latency_ns", True)
            norm["link_energy_pj_per_byte"] = _positive(
                p.get("link_energy_pj_per_byte", 4.0), f"{where}.link_energy_pj_per_byte", True
            )
            norm["node_nm"] = _int(p["node_nm"], f"{where}.node_nm")
            norm["chiplet_area_mm2"] = _positive(p["chiplet_area_mm2"], f"{where}.chiplet_area_mm2")
            norm["package"] = p.get("package", "os")
            if norm["package"] not in PACKAGE_TYPES:
                raise ValueError(f"package: must be one of {', '.join(PACKAGE_TYPES)}, got {norm['package']!r}")
            _package_cost(norm)
        except ValueError as exc:
            msg = str(exc)
            raise ValueError(msg if msg.startswith(where) else f"{where}: {msg}") from None
        if any(q["key"] == norm["key"] for q in platforms):
            raise ValueError(f"{where}.key: duplicate platform key {norm['key']!r}")
        platforms.append(norm)
    workloads = []
    if not isinstance(spec["workloads"], list) or not spec["workloads"]:
        raise ValueError("spec.workloads: must be a non-empty list")
    for i, w in enumerate(spec["workloads"]):
        where = f"workloads[{i}]"
        _check_keys(w, WORKLOAD_KEYS, where, ("key",))
        params = w.get("params", {})
        if not isinstance(params, dict):
            raise ValueError(f"{where}.params: must be an object, got {params!r}")
        _layers(w["key"], params, where)
        norm = {
            "key": w["key"],
            "batch": _int(w.get("batch", 1), f"{where}.batch", 1, MAX_BATCH),
            "params": dict(params),
        }
        if w.get("latency_bound_s") is not None:
            norm["latency_bound_s"] = _positive(w["latency_bound_s"], f"{where}.latency_bound_s")
        if any(q["key"] == norm["key"] for q in workloads):
            raise ValueError(f"{where}.key: duplicate workload key {norm['key']!r}")
        workloads.append(norm)
    scenarios = spec["scenarios"]
    if not isinstance(scenarios, list) or not scenarios:
        raise ValueError("spec.scenarios: must be a non-empty list")
    for s in scenarios:
        if s not in lg.SCENARIOS:
            raise ValueError(f"spec.scenarios: unknown scenario {s!r}; known: {', '.join(lg.SCENARIOS)}")
    if len(set(scenarios)) != len(scenarios):
        raise ValueError("spec.scenarios: duplicate scenario")
    return {"seed": seed, "quick": quick, "platforms": platforms, "workloads": workloads, "scenarios": list(scenarios)}


# ------------------------------------------------------------------------------------- simulation
def _package_cost(p: dict):
    chip = ChipSpec(node=p["node_nm"], area_mm2=p["chiplet_area_mm2"], count=p["chiplets"], name=p["key"])
    return package_cost(chip, p["package"])


class _NetworkDevice:
    """LoadGen device: a batch of ``n`` takes the simulated network latency at batch ``n`` (cached)."""

    deterministic = True

    def __init__(self, platform: Platform, layers: list) -> None:
        self.platform, self.layers, self._cache = platform, layers, {}

    def network(self, n: int) -> NetworkResult:
        if n not in self._cache:
            self._cache[n] = simulate_network(self.platform, self.layers, n)
        return self._cache[n]

    def service_time_s(self, n: int) -> float:
        return self.network(n).latency_s

    def service_ns(self, n: int) -> int:
        """As LoadGen rounds it: nearest nanosecond, at least 1."""
        return max(1, int(self.service_time_s(n) * lg.NS_PER_S + 0.5))


def _histogram(sorted_ns, weight: int = 1, bins: int = HISTOGRAM_BINS) -> dict:
    """≤ ``bins`` equal-width bins from min to max of an ascending sequence of ns (list or range)."""
    n = len(sorted_ns)
    lo, hi = sorted_ns[0], sorted_ns[-1]
    if lo == hi:
        half = max(1.0, lo * 0.005)
        return {"edges_s": [(lo - half) / lg.NS_PER_S, (lo + half) / lg.NS_PER_S], "counts": [n * weight]}
    bins = max(1, min(bins, hi - lo))
    edges = [lo + (hi - lo) * i / bins for i in range(bins + 1)]
    cuts = [0] + [bisect.bisect_left(sorted_ns, e) for e in edges[1:-1]] + [n]
    return {
        "edges_s": [e / lg.NS_PER_S for e in edges],
        "counts": [(cuts[i + 1] - cuts[i]) * weight for i in range(bins)],
    }


def _server_bound(workload: dict) -> tuple[float, str]:
    if "latency_bound_s" in workload:
        return workload["latency_bound_s"], "given in the request"
    bench = BUILTIN_WORKLOADS[workload["key"]].mlperf_benchmark
    if bench is not None:
        return lg.SERVER_LATENCY_BOUND_S[bench], f"MLPerf {bench} Server p99 bound"
    return (
        lg.SERVER_LATENCY_BOUND_S["resnet50"],
        f"MLPerf resnet50 Server p99 bound, applied by analogy ({workload['key']} has no MLPerf benchmark)",
    )


def _run_scenario(
    name: str, dev: _NetworkDevice, workload: dict, seed: int, quick: bool, checkpoint: Callable[[], None] | None
) -> dict:
    batch = workload["batch"]
    settings: dict[str, Any] = dict(QUICK_SETTINGS[name]) if quick else {}
    settings["checkpoint"] = checkpoint
    extra: dict[str, Any] = {}
    if name == "SingleStream":
        max_batch = 1
        r = lg.run_single_stream(dev, **settings)
        hist = _histogram([dev.service_ns(1)] * r.query_count)
    elif name == "MultiStream":
        max_batch = min(batch, MULTISTREAM_SAMPLES)
        r = lg.run_multi_stream(dev, max_batch=max_batch, **settings)
        full, rest = divmod(MULTISTREAM_SAMPLES, max_batch)
        q_ns = full * dev.service_ns(max_batch) + (dev.service_ns(rest) if rest else 0)
        hist = _histogram([q_ns] * r.query_count)
    elif name == "Offline":
        max_batch = batch
        r = lg.run_offline(dev, max_batch=max_batch, **settings)
        t_ns = dev.service_ns(max_batch)
        hist = _histogram(range(t_ns, t_ns * (r.sample_count // max_batch) + 1, t_ns), weight=max_batch)
    else:
        max_batch = batch
        bound, source = _server_bound(workload)
        search = lg.find_max_qps(dev, latency_bound_s=bound, seed=seed, max_batch=max_batch, **settings)
        r = search.result
        if r is None:
            lowest = min(q for q, _ in search.trials)
            r = lg.run_server(dev, target_qps=lowest, latency_bound_s=bound, seed=seed, max_batch=max_batch, **settings)
            r.reasons.insert(0, f"no target QPS meets the {bound * 1e3:g} ms p99 bound")
            r.valid = False
        hist = _histogram(server_latencies_ns(dev, r.query_count, r.target_qps, seed, max_batch, checkpoint))
        extra = {
            "latency_bound_s": bound,
            "latency_bound_source": source,
            "target_qps": r.target_qps,
            "search_trials": len(search.trials),
        }
    reasons = list(r.reasons)
    if quick:
        count = settings.get("min_query_count", settings.get("min_sample_count"))
        noun = "samples" if name == "Offline" else "queries"
        reasons.append(
            f"quick run, not MLPerf-compliant: at least {count} {noun} and no minimum duration "
            f"instead of the rules' {lg.MIN_DURATION_S:g} s minimum duration"
        )
    out = {
        "scenario": name,
        "metric": r.metric_name,
        "value": r.metric_value,
        "unit": r.metric_unit,
        "valid": r.valid and not quick,
        "reasons": reasons,
        "percentiles_s": dict(r.percentiles),
        "mean_latency_s": r.mean_latency_s,
        "min_latency_s": r.min_latency_s,
        "max_latency_s": r.max_latency_s,
        "qps": r.qps,
        "query_count": r.query_count,
        "sample_count": r.sample_count,
        "duration_s": r.duration_s,
        "max_batch": max_batch,
        "settings": dict(r.settings),
    }
    out.update(extra)
    out["latency_histogram"] = hist
    return out


def run_verification(spec: dict, progress: ProgressFn | None = None) -> dict:
    """Run a whole verification request; returns the results dict described in the module docstring.

    Raises ``ValueError`` (from :func:`validate_spec`) on an invalid spec, before any simulation.
    Exceptions raised by ``progress`` propagate unchanged. Runtime: quick runs of small conv networks
    take well under a second; full runs are dominated by the Server QPS search (600 s of virtual
    arrivals per trial), tens of seconds per platform × workload.
    """
    norm = validate_spec(spec)
    seed, quick, scenarios = norm["seed"], norm["quick"], norm["scenarios"]
    layers = {w["key"]: _layers(w["key"], w["params"], w["key"]) for w in norm["workloads"]}
    total = len(norm["platforms"]) * (1 + len(norm["workloads"]) * (1 + len(scenarios)))
    done = 0
    last = [0.0, "starting"]  # the last reported (fraction, message), repeated by ``checkpoint``

    def step(message: str) -> None:
        nonlocal done
        done += 1
        last[:] = [1.0 if done >= total else done / total, message]
        if progress is not None:
            progress(last[0], message)

    def checkpoint() -> None:
        progress(last[0], last[1])  # only passed to the scenarios when progress is given

    if progress is not None:
        progress(0.0, "starting")
    platforms_out, summary = [], []
    for p in norm["platforms"]:
        platform = Platform(
            AcceleratorConfig(**p["accelerator"]),
            p["chiplets"],
            p["link_bandwidth_gbps"],
            p["link_latency_ns"],
            p["link_energy_pj_per_byte"],
        )
        pc = _package_cost(p)
        cost = {
            "package": pc.package,
            "chip_count": pc.chip_count,
            "die_yield": pc.dies[0].die_yield,
            "package_yield": pc.package_yield,
            "total_cost_usd": pc.total_cost_usd,
            "parts": pc.parts.as_dict(),
        }
        step(f"{p['name']}: package cost")
        workloads_out = []
        for w in norm["workloads"]:
            info = BUILTIN_WORKLOADS[w["key"]]
            dev = _NetworkDevice(platform, layers[w["key"]])
            net = dev.network(w["batch"])
            step(f"{p['name']} · {info.name_en}: network simulated")
            runs = []
            for s in scenarios:
                runs.append(_run_scenario(s, dev, w, seed, quick, checkpoint if progress is not None else None))
                summary.append(
                    {
                        "platform": p["key"],
                        "workload": w["key"],
                        "scenario": s,
                        "metric": runs[-1]["metric"],
                        "value": runs[-1]["value"],
                        "unit": runs[-1]["unit"],
                        "valid": runs[-1]["valid"],
                    }
                )
                step(f"{p['name']} · {info.name_en} · {s}")
            offline = next((r for r in runs if r["scenario"] == "Offline"), None)
            if offline is not None:
                perf, basis = offline["value"], "offline_samples_per_s"
            else:
                perf, basis = 1.0 / dev.service_time_s(1), "inverse_latency_per_s"
            workloads_out.append(
                {
                    "key": w["key"],
                    "name": info.name_en,
                    "name_zh_hant": info.name_zh_hant,
                    "batch": w["batch"],
                    "params": w["params"],
                    "network": {
                        "cycles": net.cycles,
                        "macs": net.macs,
                        "utilization": net.utilization,
                        "latency_s": net.latency_s,
                        "energy_j": net.energy_j,
                        "compute_cycles": net.compute_cycles,
                        "stall_cycles": net.stall_cycles,
                        "dram_bytes": net.dram_bytes,
                        "link_bytes": net.link_bytes,
                    },
                    "layers": [
                        {
                            "name": lr.name,
                            "cycles": lr.cycles,
                            "macs": lr.macs,
                            "utilization": lr.utilization,
                            "latency_s": lr.latency_s,
                        }
                        for lr in net.layers
                    ],
                    "scenarios": runs,
                    "perf_per_usd": perf / pc.total_cost_usd,
                    "perf_per_usd_basis": basis,
                }
            )
        platforms_out.append(
            {
                "key": p["key"],
                "name": p["name"],
                "config": {k: v for k, v in p.items() if k not in ("key", "name")},
                "cost": cost,
                "workloads": workloads_out,
            }
        )
    return {
        "simulator_version": SIMULATOR_VERSION,
        "seed": seed,
        "quick": quick,
        "scenarios": scenarios,
        "platforms": platforms_out,
        "summary": summary,
    }
