"""Run an MLPerf-style scenario (SingleStream, MultiStream, Server, Offline) in virtual time.

Usage::

    python -m hwsim scenario --scenario Server --service-ms 2.0 --qps 300 --benchmark resnet50 --seed 1 --json
    python -m hwsim scenario --scenario Server --service-ms 2.0 --benchmark resnet50 --find-max-qps --json
    python -m hwsim scenario --scenario Offline --fixed-ms 1 --per-sample-ms 0.25 --max-batch 32

Device: ``--service-ms S`` (every batch takes S ms) or ``--fixed-ms F --per-sample-ms P`` (a batch of
n samples takes F + n*P ms). Run-length options default to the MLPerf rules (600 s; see
:mod:`hwsim.engine.loadgen`) and may be shortened for experiments (the result is then INVALID with
the reason stated).

JSON contract (``--json``; one object on stdout, keys sorted):

- ``simulator_version``: str; ``command``: ``"scenario"``; ``scenario``: the scenario name;
- ``device``: ``{"kind": "constant", "service_s": float}`` or
  ``{"kind": "affine", "fixed_s": float, "per_sample_s": float}``;
- ``result``: :meth:`hwsim.engine.loadgen.ScenarioResult.to_dict` — ``scenario``, ``metric_name``,
  ``metric_value``, ``metric_unit``, ``valid`` (bool), ``reasons`` (list of str), ``query_count``,
  ``sample_count``, ``duration_s``, ``qps``, ``mean_latency_s``, ``min_latency_s``, ``max_latency_s``,
  ``percentiles`` (``{"50","90","95","97","99","99.9"}`` -> seconds), ``target_percentile``,
  ``early_stopping_estimate_s``, ``early_stopping_ok``, ``early_stopping_detail``, ``completed_qps``,
  ``target_qps``, ``latency_bound_s``, ``overlatency_count``, ``aborted``, ``settings``; all times in
  seconds; ``null`` where not applicable to the scenario. With ``--find-max-qps`` it is the run at
  the maximum QPS found (``null`` if none);
- ``search`` (only with ``--find-max-qps``): ``{"max_qps": float|null, "trials": [[qps, valid], ...]}``.

Without ``--json`` a short human-readable summary is printed.

Exit status: 0 the run is VALID (or a maximum QPS was found); 1 the run is INVALID (or no QPS was
VALID); 2 bad input (message on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from hwsim.engine import SIMULATOR_VERSION
from hwsim.engine import loadgen as lg


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the ``scenario`` sub-command's options on ``parser``."""
    parser.add_argument("--scenario", required=True, help="SingleStream, MultiStream, Server or Offline")
    dev = parser.add_argument_group("device")
    dev.add_argument("--service-ms", type=float, help="constant service time per batch, ms")
    dev.add_argument("--fixed-ms", type=float, help="affine device: fixed time per batch, ms")
    dev.add_argument("--per-sample-ms", type=float, help="affine device: time per sample, ms")
    srv = parser.add_argument_group("Server")
    srv.add_argument("--qps", type=float, help="target QPS (Poisson arrival rate)")
    srv.add_argument("--benchmark", help="latency bound from the rules: " + ", ".join(lg.SERVER_LATENCY_BOUND_S))
    srv.add_argument("--bound-ms", type=float, help="explicit p99 latency bound, ms (instead of --benchmark)")
    srv.add_argument("--seed", type=int, default=0, help="arrival RNG seed (default 0)")
    srv.add_argument("--find-max-qps", action="store_true", help="search the highest VALID QPS")
    parser.add_argument("--max-batch", type=int, help="device batch limit (default 1; MultiStream: the query)")
    parser.add_argument(
        "--samples-per-query",
        type=int,
        default=lg.MULTISTREAM_SAMPLES_PER_QUERY,
        help="MultiStream samples per query (default 8)",
    )
    parser.add_argument("--min-duration-s", type=float, default=lg.MIN_DURATION_S, help="default 600")
    parser.add_argument("--min-query-count", type=int, help="default per scenario from the rules")
    parser.add_argument("--max-query-count", type=int, default=0, help="0 = no limit")
    parser.add_argument(
        "--min-sample-count", type=int, default=lg.OFFLINE_MIN_SAMPLES, help="Offline minimum samples (default 24576)"
    )
    parser.add_argument("--expected-qps", type=float, help="Offline: size the query as LoadGen does")
    parser.add_argument("--json", action="store_true", help="print the JSON contract (see module doc)")


class _InputError(Exception):
    pass


def _device(args: argparse.Namespace) -> tuple[Any, dict[str, Any]]:
    if args.service_ms is not None:
        if args.fixed_ms is not None or args.per_sample_ms is not None:
            raise _InputError("give either --service-ms or --fixed-ms/--per-sample-ms, not both")
        if not (math.isfinite(args.service_ms) and args.service_ms > 0):
            raise _InputError("--service-ms must be > 0")
        s = args.service_ms / 1e3
        return lg.ConstantDevice(s), {"kind": "constant", "service_s": s}
    if args.fixed_ms is None and args.per_sample_ms is None:
        raise _InputError("a device is required: --service-ms, or --fixed-ms and --per-sample-ms")
    f = (args.fixed_ms or 0.0) / 1e3
    p = (args.per_sample_ms or 0.0) / 1e3
    if not (math.isfinite(f) and math.isfinite(p) and f >= 0 and p >= 0 and f + p > 0):
        raise _InputError("--fixed-ms and --per-sample-ms must be >= 0 and not both 0")
    return lg.AffineDevice(f, p), {"kind": "affine", "fixed_s": f, "per_sample_s": p}


def _scenario_name(raw: str) -> str:
    for name in lg.SCENARIOS:
        if name.lower() == raw.replace("-", "").replace("_", "").lower():
            return name
    raise _InputError(f"unknown scenario {raw!r}; choose one of {', '.join(lg.SCENARIOS)}")


def _execute(args: argparse.Namespace) -> tuple[dict[str, Any], int]:
    scenario = _scenario_name(args.scenario)
    device, device_doc = _device(args)
    if args.find_max_qps and scenario != "Server":
        raise _InputError("--find-max-qps applies to the Server scenario only")
    if scenario != "Server" and (args.qps is not None or args.benchmark or args.bound_ms is not None):
        raise _InputError("--qps/--benchmark/--bound-ms apply to the Server scenario only")
    common: dict[str, Any] = {"min_duration_s": args.min_duration_s}
    if scenario in ("SingleStream", "MultiStream", "Server"):
        common["max_query_count"] = args.max_query_count
        if args.min_query_count is not None:
            common["min_query_count"] = args.min_query_count
    out: dict[str, Any] = {
        "simulator_version": SIMULATOR_VERSION,
        "command": "scenario",
        "scenario": scenario,
        "device": device_doc,
    }
    if scenario == "SingleStream":
        result = lg.run_single_stream(device, **common)
    elif scenario == "MultiStream":
        result = lg.run_multi_stream(
            device, samples_per_query=args.samples_per_query, max_batch=args.max_batch, **common
        )
    elif scenario == "Offline":
        result = lg.run_offline(
            device,
            max_batch=args.max_batch or 1,
            min_duration_s=args.min_duration_s,
            min_sample_count=args.min_sample_count,
            expected_qps=args.expected_qps,
        )
    else:
        bound_s = None if args.bound_ms is None else args.bound_ms / 1e3
        if args.benchmark is None and bound_s is None:
            raise _InputError("Server needs --benchmark or --bound-ms")
        server = dict(
            common, benchmark=args.benchmark, latency_bound_s=bound_s, seed=args.seed, max_batch=args.max_batch or 1
        )
        if args.find_max_qps:
            search = lg.find_max_qps(device, start_qps=args.qps, **server)
            out["search"] = {"max_qps": search.max_qps, "trials": [[q, v] for q, v in search.trials]}
            out["result"] = search.result.to_dict() if search.result else None
            return out, 0 if search.max_qps is not None else 1
        if args.qps is None:
            raise _InputError("Server needs --qps (or --find-max-qps)")
        result = lg.run_server(device, target_qps=args.qps, **server)
    out["result"] = result.to_dict()
    return out, 0 if result.valid else 1


def _human(out: dict[str, Any]) -> str:
    lines = [f"Scenario : {out['scenario']}"]
    if "search" in out:
        lines.append(f"Max VALID QPS : {out['search']['max_qps']} ({len(out['search']['trials'])} trials)")
    r = out["result"]
    if r is None:
        lines.append("Result is : INVALID (no VALID QPS found)")
        return "\n".join(lines)
    lines.append(f"{r['metric_name']} : {r['metric_value']:.6g} {r['metric_unit']}")
    lines.append(f"Result is : {'VALID' if r['valid'] else 'INVALID'}")
    lines.extend(f"  * {reason}" for reason in r["reasons"])
    lines.append(f"Queries : {r['query_count']}  samples : {r['sample_count']}  duration : {r['duration_s']:.6g} s")
    lines.append(f"Mean latency : {r['mean_latency_s'] * 1e3:.6g} ms")
    for key, value in r["percentiles"].items():
        lines.append(f"p{key} latency : {value * 1e3:.6g} ms")
    if r["early_stopping_detail"]:
        lines.append(f"Early stopping : {r['early_stopping_detail']}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Execute the sub-command; returns 0 VALID, 1 INVALID, 2 bad input (stderr message)."""
    try:
        out, code = _execute(args)
    except (_InputError, ValueError, TypeError) as exc:
        print(f"hwsim scenario: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(out, sort_keys=True))
    else:
        print(_human(out))
    return code
