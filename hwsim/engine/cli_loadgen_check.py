"""Cross-check hwsim against the real MLCommons LoadGen: a short real-time run beside the virtual one.

Usage::

    python -m hwsim loadgen-check --scenario SingleStream --service-ms 2 --duration-s 2
    python -m hwsim loadgen-check --scenario Server --service-ms 2 --qps 200 --bound-ms 15 --seed 1 --json
    python -m hwsim loadgen-check --scenario Offline --fixed-ms 1 --per-sample-ms 0.25 --max-batch 8

Needs the optional dependency ``mlcommons-loadgen`` (``pip install mlcommons-loadgen``; imported only
when the command runs). LoadGen (``mlperf_loadgen``) drives a system under test that emulates the
simulated device in *real* time: one background worker thread takes samples from a queue (up to
``--max-batch`` that have arrived; SingleStream always 1), computes the batch's completion as
``max(device free, arrival) + service_time(n)`` (the same device model and nanosecond rounding as
the virtual run), ``time.sleep``\\ s until then and calls ``QuerySamplesComplete``. Sleeping to a
deadline rather than for a fixed time keeps thread hand-off delays from accumulating; scheduler
wake-up jitter and LoadGen's own overhead still show up in the real latencies, which is what the
comparison measures. LoadGen logs go to a temporary directory (deleted afterwards); its
``mlperf_log_summary.txt`` is parsed for the percentiles, throughput and ``Result is``, and
``mlperf_log_detail.txt`` for the query and sample counts.

Then hwsim runs the same scenario in virtual time (:mod:`hwsim.engine.loadgen`) with the same
settings: minimum duration ``--duration-s``, minimum query count ``--min-queries`` (Offline: minimum
sample count, as LoadGen treats ``min_query_count`` there), target QPS ``--qps`` (Server: Poisson
rate, seeded by ``--seed`` on both sides — the arrival *patterns* differ, LoadGen uses its own RNG;
Offline: ``offline_expected_qps``, default the device's throughput at ``--max-batch``), latency bound
``--bound-ms`` / ``--benchmark`` (Server). Run lengths are far below the rules' 600 s: this is a
fidelity check, not a submission. Scenarios: SingleStream, Server, Offline.

Throughput compared: SingleStream LoadGen "QPS w/ loadgen overhead" vs hwsim ``qps`` (both
``(n - 1) / last issue``); Server "Completed samples per second" vs hwsim ``completed_qps``; Offline
"Samples per second" vs hwsim ``qps``.

JSON contract (``--json``; one object on stdout, keys sorted):

- ``simulator_version``: str; ``command``: ``"loadgen-check"``; ``scenario``: the scenario name;
- ``device``: as ``python -m hwsim scenario`` (``{"kind": "constant", "service_s"}`` or
  ``{"kind": "affine", "fixed_s", "per_sample_s"}``);
- ``settings``: ``min_duration_s``, ``min_query_count``, ``target_qps`` (float or ``null``),
  ``latency_bound_s`` (Server, else ``null``), ``max_batch``, ``seed``;
- ``loadgen`` and ``hwsim``: one object each, same keys: ``valid`` (bool), ``result``
  (``"VALID"``/``"INVALID"``), ``reasons`` (list of str; LoadGen: its failed checks, e.g. ``"Min
  duration satisfied : NO"``), ``p50_s``, ``p90_s``, ``p99_s`` (latency percentiles, seconds,
  index ``sorted[int(n * p)]`` on both sides), ``throughput_per_s`` (see above), ``query_count``,
  ``sample_count``, ``duration_s`` (LoadGen: wall-clock time of the test; hwsim: virtual run
  length). ``loadgen`` also has ``version`` (the installed ``mlcommons-loadgen``, or ``null``);
- ``relative_difference``: ``{"p50", "p90", "p99", "throughput", "query_count"}`` ->
  ``(loadgen - hwsim) / hwsim`` (``null`` when the hwsim value is 0);
- ``validity_agrees``: bool, both sides gave the same VALID/INVALID verdict.

Without ``--json`` a side-by-side table is printed.

Exit status: 0 both runs completed and agree on VALID/INVALID; 1 they disagree; 2 bad input, the
estimated real run longer than ``--max-real-s``, LoadGen not installed ("install the optional
dependency: pip install mlcommons-loadgen") or LoadGen produced no summary (message on stderr).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import queue
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

from hwsim.engine import SIMULATOR_VERSION
from hwsim.engine import loadgen as hl
from hwsim.engine.cli_scenario import _device, _InputError, _scenario_name

SUPPORTED = ("SingleStream", "Server", "Offline")
INSTALL_HINT = "install the optional dependency: pip install mlcommons-loadgen"
#: Samples in the LoadGen query sample library (their content is irrelevant to the emulated device).
QSL_SIZE = 1024


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the ``loadgen-check`` sub-command's options on ``parser``."""
    parser.add_argument("--scenario", required=True, help="SingleStream, Server or Offline")
    dev = parser.add_argument_group("device")
    dev.add_argument("--service-ms", type=float, help="constant service time per batch, ms")
    dev.add_argument("--fixed-ms", type=float, help="affine device: fixed time per batch, ms")
    dev.add_argument("--per-sample-ms", type=float, help="affine device: time per sample, ms")
    parser.add_argument(
        "--qps", type=float, help="Server: target QPS; Offline: expected QPS (default: device throughput)"
    )
    parser.add_argument(
        "--benchmark", help="Server latency bound from the rules: " + ", ".join(hl.SERVER_LATENCY_BOUND_S)
    )
    parser.add_argument("--bound-ms", type=float, help="Server: explicit p99 latency bound, ms")
    parser.add_argument("--seed", type=int, default=0, help="Server arrival RNG seed (default 0)")
    parser.add_argument("--max-batch", type=int, default=1, help="Server/Offline device batch limit (default 1)")
    parser.add_argument("--duration-s", type=float, default=2.0, help="minimum duration, s (default 2)")
    parser.add_argument(
        "--min-queries", type=int, default=100, help="minimum query count (Offline: samples), default 100"
    )
    parser.add_argument(
        "--max-real-s",
        type=float,
        default=60.0,
        help="refuse settings whose estimated real run is longer (default 60 s)",
    )
    parser.add_argument("--json", action="store_true", help="print the JSON contract (see module doc)")


# --------------------------------------------------------------------------------------------------
# Settings


def _settings(args: argparse.Namespace) -> tuple[str, Any, dict[str, Any], dict[str, Any], Callable[[int], int]]:
    """Validate the flags; return scenario, device, device doc, settings doc, ``n -> service ns``."""
    scenario = _scenario_name(args.scenario)
    if scenario not in SUPPORTED:
        raise _InputError(f"loadgen-check supports {', '.join(SUPPORTED)}, not {scenario}")
    device, device_doc = _device(args)
    if not (math.isfinite(args.duration_s) and args.duration_s > 0):
        raise _InputError("--duration-s must be > 0")
    if args.min_queries < 1:
        raise _InputError("--min-queries must be >= 1")
    if args.max_batch < 1:
        raise _InputError("--max-batch must be >= 1")
    if args.qps is not None and not (math.isfinite(args.qps) and args.qps > 0):
        raise _InputError("--qps must be > 0")
    if scenario != "Server" and (args.benchmark or args.bound_ms is not None):
        raise _InputError("--benchmark/--bound-ms apply to the Server scenario only")
    if scenario == "SingleStream" and (args.qps is not None or args.max_batch != 1):
        raise _InputError("--qps/--max-batch do not apply to SingleStream")
    svc_ns = hl._service_ns_fn(device)
    max_batch = args.max_batch if scenario != "SingleStream" else 1
    for n in range(1, max_batch + 1):
        svc_ns(n)  # validates the device once, before any thread starts
    bound_s = None
    qps = args.qps
    if scenario == "Server":
        if qps is None:
            raise _InputError("Server needs --qps")
        if args.benchmark is None and args.bound_ms is None:
            raise _InputError("Server needs --benchmark or --bound-ms")
        bound_s = hl.resolve_latency_bound(args.benchmark, None if args.bound_ms is None else args.bound_ms / 1e3)
    elif scenario == "Offline" and qps is None:
        qps = max_batch * hl.NS_PER_S / svc_ns(max_batch)
    settings = {
        "min_duration_s": args.duration_s,
        "min_query_count": args.min_queries,
        "target_qps": qps,
        "latency_bound_s": bound_s,
        "max_batch": max_batch,
        "seed": args.seed,
    }
    est = _estimated_real_s(scenario, settings, svc_ns)
    if est > args.max_real_s:
        raise _InputError(
            f"the real-time LoadGen run would take about {est:.3g} s > --max-real-s "
            f"{args.max_real_s:g}; shorten --duration-s/--min-queries"
        )
    return scenario, device, device_doc, settings, svc_ns


def _estimated_real_s(scenario: str, s: dict[str, Any], svc_ns: Callable[[int], int]) -> float:
    if scenario == "SingleStream":
        return max(s["min_duration_s"], s["min_query_count"] * svc_ns(1) / hl.NS_PER_S)
    if scenario == "Server":
        return max(s["min_duration_s"], s["min_query_count"] / s["target_qps"])
    samples = max(s["min_query_count"], int(1.1 * s["min_duration_s"] * s["target_qps"]))
    return math.ceil(samples / s["max_batch"]) * svc_ns(s["max_batch"]) / hl.NS_PER_S


# --------------------------------------------------------------------------------------------------
# Real-time emulation of the simulated device (the LoadGen system under test)


class _RealTimeDevice:
    """One worker thread: FIFO, batches of up to ``max_batch`` arrived samples, sleeps to completion."""

    def __init__(self, lg: Any, svc_ns: Callable[[int], int], max_batch: int) -> None:
        self._lg = lg
        self._svc_s = {n: svc_ns(n) / hl.NS_PER_S for n in range(1, max_batch + 1)}
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[tuple[int, float] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._work, name="hwsim-loadgen-sut", daemon=True)
        self._thread.start()

    def issue_queries(self, samples: Any) -> None:
        now = time.perf_counter()
        for sample in samples:
            self._queue.put((sample.id, now))

    def flush_queries(self) -> None:
        pass

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join()

    def _work(self) -> None:
        free_at = 0.0
        stopping = False
        while not stopping:
            item = self._queue.get()
            if item is None:
                return
            batch = [item]
            while len(batch) < self._max_batch:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stopping = True
                    break
                batch.append(nxt)
            start = max(free_at, max(arrival for _, arrival in batch))
            free_at = start + self._svc_s[len(batch)]
            delay = free_at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            self._lg.QuerySamplesComplete([self._lg.QuerySampleResponse(sid, 0, 0) for sid, _ in batch])


def _test_settings(lg: Any, scenario: str, s: dict[str, Any], svc_ns: Callable[[int], int]) -> Any:
    ts = lg.TestSettings()
    ts.scenario = getattr(lg.TestScenario, scenario)
    ts.mode = lg.TestMode.PerformanceOnly
    ts.min_duration_ms = max(1, int(round(s["min_duration_s"] * 1e3)))
    ts.min_query_count = s["min_query_count"]
    if scenario == "SingleStream":
        ts.single_stream_expected_latency_ns = svc_ns(1)
    elif scenario == "Server":
        ts.server_target_qps = s["target_qps"]
        ts.server_target_latency_ns = int(round(s["latency_bound_s"] * hl.NS_PER_S))
        ts.schedule_rng_seed = s["seed"]
    else:
        ts.offline_expected_qps = s["target_qps"]
    return ts


def _run_loadgen(lg: Any, scenario: str, s: dict[str, Any], svc_ns: Callable[[int], int]) -> tuple[str, str, float]:
    """Run LoadGen once; return (summary text, detail log text, wall seconds)."""
    with tempfile.TemporaryDirectory(prefix="hwsim-loadgen-") as outdir:
        log = lg.LogSettings()
        log.log_output.outdir = outdir
        log.log_output.copy_summary_to_stdout = False
        log.log_output.copy_detail_to_stdout = False
        log.enable_trace = False
        sut_dev = _RealTimeDevice(lg, svc_ns, s["max_batch"])
        sut = lg.ConstructSUT(sut_dev.issue_queries, sut_dev.flush_queries)
        qsl = lg.ConstructQSL(QSL_SIZE, QSL_SIZE, _noop, _noop)
        try:
            t0 = time.perf_counter()
            # A non-existent audit config: a stray audit.config in the cwd must not alter the run.
            lg.StartTestWithLogSettings(
                sut, qsl, _test_settings(lg, scenario, s, svc_ns), log, os.path.join(outdir, "no-audit.config")
            )
            wall = time.perf_counter() - t0
        finally:
            sut_dev.stop()
            lg.DestroyQSL(qsl)
            lg.DestroySUT(sut)
        texts = []
        for name in ("mlperf_log_summary.txt", "mlperf_log_detail.txt"):
            try:
                with open(os.path.join(outdir, name), encoding="utf-8") as fh:
                    texts.append(fh.read())
            except OSError:
                texts.append("")
    return texts[0], texts[1], wall


def _noop(_indices: Any) -> None:
    pass


# --------------------------------------------------------------------------------------------------
# Parsing LoadGen's logs

_SUMMARY_LINE = re.compile(r"^\s*(?P<key>[^:*]+?)\s*:\s*(?P<value>\S.*?)\s*$")
_THROUGHPUT_KEY = {
    "SingleStream": "QPS w/ loadgen overhead",
    "Server": "Completed samples per second",
    "Offline": "Samples per second",
}


class _LoadGenOutputError(Exception):
    pass


def _parse_summary(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        m = _SUMMARY_LINE.match(line)
        if m:
            fields.setdefault(m.group("key"), m.group("value"))
    return fields


def _parse_detail(text: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for line in text.splitlines():
        if line.startswith(":::MLLOG "):
            try:
                entry = json.loads(line[len(":::MLLOG ") :])
            except ValueError:
                continue
            values[entry.get("key")] = entry.get("value")
    return values


def _loadgen_side(scenario: str, summary: str, detail: str, wall_s: float) -> dict[str, Any]:
    fields = _parse_summary(summary)
    verdict = fields.get("Result is")
    if verdict not in ("VALID", "INVALID"):
        raise _LoadGenOutputError("LoadGen wrote no usable mlperf_log_summary.txt (no 'Result is' line)")

    def number(key: str) -> float:
        try:
            return float(fields[key])
        except (KeyError, ValueError):
            raise _LoadGenOutputError(f"LoadGen summary lacks {key!r}") from None

    reasons = [f"{k} : {v}" for k, v in fields.items() if v.upper() == "NO"]
    det = _parse_detail(detail)
    queries = det.get("result_query_count")
    per_query = det.get("effective_samples_per_query", 1)
    if not isinstance(queries, int):
        raise _LoadGenOutputError("LoadGen detail log lacks result_query_count")
    return {
        "valid": verdict == "VALID",
        "result": verdict,
        "reasons": reasons,
        "p50_s": number("50.00 percentile latency (ns)") / hl.NS_PER_S,
        "p90_s": number("90.00 percentile latency (ns)") / hl.NS_PER_S,
        "p99_s": number("99.00 percentile latency (ns)") / hl.NS_PER_S,
        "throughput_per_s": number(_THROUGHPUT_KEY[scenario]),
        "query_count": queries,
        "sample_count": queries * (per_query if isinstance(per_query, int) else 1),
        "duration_s": wall_s,
    }


# --------------------------------------------------------------------------------------------------
# The virtual-time side and the comparison


def _hwsim_side(scenario: str, device: Any, s: dict[str, Any]) -> dict[str, Any]:
    if scenario == "SingleStream":
        r = hl.run_single_stream(device, min_duration_s=s["min_duration_s"], min_query_count=s["min_query_count"])
        throughput = r.qps
    elif scenario == "Server":
        r = hl.run_server(
            device,
            target_qps=s["target_qps"],
            latency_bound_s=s["latency_bound_s"],
            seed=s["seed"],
            max_batch=s["max_batch"],
            min_duration_s=s["min_duration_s"],
            min_query_count=s["min_query_count"],
        )
        throughput = r.completed_qps
    else:
        r = hl.run_offline(
            device,
            max_batch=s["max_batch"],
            min_duration_s=s["min_duration_s"],
            min_sample_count=s["min_query_count"],
            expected_qps=s["target_qps"],
        )
        throughput = r.qps
    return {
        "valid": r.valid,
        "result": "VALID" if r.valid else "INVALID",
        "reasons": list(r.reasons),
        "p50_s": r.percentiles["50"],
        "p90_s": r.percentiles["90"],
        "p99_s": r.percentiles["99"],
        "throughput_per_s": throughput,
        "query_count": r.query_count,
        "sample_count": r.sample_count,
        "duration_s": r.duration_s,
    }


def _rel(real: float, virtual: float) -> float | None:
    return None if not virtual else (real - virtual) / virtual


def _installed_version() -> str | None:
    from importlib import metadata

    try:
        return metadata.version("mlcommons-loadgen")
    except metadata.PackageNotFoundError:
        return None


def _execute(lg: Any, args: argparse.Namespace) -> tuple[dict[str, Any], int]:
    scenario, device, device_doc, s, svc_ns = _settings(args)
    summary, detail, wall = _run_loadgen(lg, scenario, s, svc_ns)
    real = _loadgen_side(scenario, summary, detail, wall)
    real["version"] = _installed_version()
    virtual = _hwsim_side(scenario, device, s)
    out = {
        "simulator_version": SIMULATOR_VERSION,
        "command": "loadgen-check",
        "scenario": scenario,
        "device": device_doc,
        "settings": s,
        "loadgen": real,
        "hwsim": virtual,
        "relative_difference": {
            "p50": _rel(real["p50_s"], virtual["p50_s"]),
            "p90": _rel(real["p90_s"], virtual["p90_s"]),
            "p99": _rel(real["p99_s"], virtual["p99_s"]),
            "throughput": _rel(real["throughput_per_s"], virtual["throughput_per_s"]),
            "query_count": _rel(real["query_count"], virtual["query_count"]),
        },
        "validity_agrees": real["valid"] == virtual["valid"],
    }
    return out, 0 if out["validity_agrees"] else 1


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x * 100:+.1f}%"


def _human(out: dict[str, Any]) -> str:
    real, virt, rel = out["loadgen"], out["hwsim"], out["relative_difference"]
    s = out["settings"]
    head = f"Scenario : {out['scenario']}  min duration {s['min_duration_s']:g} s, min queries {s['min_query_count']}"
    if s["target_qps"] is not None:
        head += f", target QPS {s['target_qps']:.6g}"
    if s["latency_bound_s"] is not None:
        head += f", bound {s['latency_bound_s'] * 1e3:g} ms"
    rows = [
        ("", f"LoadGen {real['version'] or ''} (real)".replace("  ", " "), "hwsim (virtual)", "rel. diff"),
        ("p50 latency (ms)", f"{real['p50_s'] * 1e3:.4f}", f"{virt['p50_s'] * 1e3:.4f}", _pct(rel["p50"])),
        ("p90 latency (ms)", f"{real['p90_s'] * 1e3:.4f}", f"{virt['p90_s'] * 1e3:.4f}", _pct(rel["p90"])),
        ("p99 latency (ms)", f"{real['p99_s'] * 1e3:.4f}", f"{virt['p99_s'] * 1e3:.4f}", _pct(rel["p99"])),
        (
            "throughput (/s)",
            f"{real['throughput_per_s']:.2f}",
            f"{virt['throughput_per_s']:.2f}",
            _pct(rel["throughput"]),
        ),
        ("queries", str(real["query_count"]), str(virt["query_count"]), _pct(rel["query_count"])),
        ("samples", str(real["sample_count"]), str(virt["sample_count"]), ""),
        ("duration (s)", f"{real['duration_s']:.3f}", f"{virt['duration_s']:.3f}", ""),
        ("Result is", real["result"], virt["result"], "agree" if out["validity_agrees"] else "DISAGREE"),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [head] + ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    for side, doc in (("LoadGen", real), ("hwsim", virt)):
        lines.extend(f"  {side}: {reason}" for reason in doc["reasons"])
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Execute the sub-command; 0 verdicts agree, 1 they differ, 2 bad input / no LoadGen (stderr)."""
    try:
        import mlperf_loadgen as lg
    except ImportError:
        print(f"hwsim loadgen-check: error: mlperf_loadgen is not installed; {INSTALL_HINT}", file=sys.stderr)
        return 2
    try:
        out, code = _execute(lg, args)
    except (_InputError, _LoadGenOutputError, ValueError, TypeError) as exc:
        print(f"hwsim loadgen-check: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(out, sort_keys=True))
    else:
        print(_human(out))
    return code
