"""Simulate a network (SCALE-Sim topology CSV) on a systolic-array accelerator or multi-chiplet platform.

Usage::

    python -m hwsim simulate --topology FILE.csv [--gemm] [--config FILE.cfg|FILE.json] [--array RxC]
        [--dataflow os|ws|is] [--batch N] [--bandwidth GBPS] [--clock GHZ]
        [--chiplets N] [--link-bandwidth GBPS] [--link-latency NS] [--json]

Flags override the configuration file; without ``--config`` the defaults are SCALE-Sim's ``scale.cfg``
(32×32, ws, 64 KiB SRAMs, CALC = unlimited bandwidth), 1 GHz, 1-byte words. The format is auto-detected from
the header unless ``--gemm`` is given.

``--json`` output contract (one JSON object on stdout, stable keys)::

    {
      "hwsim_version": "0.2.0",
      "topology": "path/as/given.csv",
      "batch": 1,
      "config": {rows, cols, dataflow, ifmap_sram_kib, filter_sram_kib, ofmap_sram_kib, word_size_bytes,
                 clock_ghz, bandwidth_gbps (null = unlimited), mac_energy_pj, sram_energy_pj_per_byte,
                 dram_energy_pj_per_byte, n_chiplets, link_bandwidth_gbps, link_latency_ns,
                 link_energy_pj_per_byte},
      "layers": [ {name, sr, sc, t, row_folds, col_folds, compute_cycles, stall_cycles, cycles, macs,
                   utilization, sram_bytes, dram_bytes, link_bytes, link_s, latency_s, energy_j}, ... ],
      "total": {cycles, compute_cycles, stall_cycles, macs, utilization, latency_s, energy_j, sram_bytes,
                dram_bytes, link_bytes, batch, pes, layers}
    }

``cycles`` are array cycles (SCALE-Sim v3.0.0 "Total Cycles" plus bandwidth stalls), ``utilization`` a
fraction MACs / (cycles × PEs), ``latency_s`` seconds, ``energy_j`` joules, byte counts in bytes; ``layers``
in ``total`` is the number of layers. Without ``--json`` a readable table is printed.

Exit codes: 0 success; 2 bad input (unreadable/malformed topology or configuration, bad flag, a layer of zero
cycles such as a 1×1×1 conv on a 1×1 os array) with a one-line
message on stderr naming the file, line and column where applicable (no traceback).
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from hwsim.engine import SIMULATOR_VERSION
from hwsim.engine.config import AcceleratorConfig, ConfigError, load_config
from hwsim.engine.platform import Platform, simulate_network
from hwsim.engine.topology import TopologyError, load_topology


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the ``simulate`` options on ``parser``."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--topology", required=True, help="SCALE-Sim topology CSV (conv or GEMM)")
    parser.add_argument("--gemm", action="store_true", help="read the topology as 'Layer, M, N, K,'")
    parser.add_argument("--config", help="SCALE-Sim .cfg or hwsim .json accelerator configuration")
    parser.add_argument("--array", help="array shape RxC (rows x cols), e.g. 32x32")
    parser.add_argument("--dataflow", choices=("os", "ws", "is"))
    parser.add_argument("--batch", type=int, default=1, help="images (GEMM: M multiplier) per inference")
    parser.add_argument("--bandwidth", type=float, help="off-chip bandwidth in GB/s (default: unlimited)")
    parser.add_argument("--clock", type=float, help="clock in GHz")
    parser.add_argument("--chiplets", type=int, default=1, help="identical chiplets sharing each layer")
    parser.add_argument("--link-bandwidth", type=float, default=64.0, help="D2D link GB/s per chiplet")
    parser.add_argument("--link-latency", type=float, default=10.0, help="D2D link latency in ns")
    parser.add_argument("--json", action="store_true", help="print the JSON contract instead of a table")
    parser.add_argument(
        "--exact",
        action="store_true",
        help="replay SCALE-Sim's buffers for layers up to the exact-mode bounds (slower; see hwsim.engine.memory)",
    )


def _fail(message: str) -> int:
    print(f"hwsim simulate: error: {message}", file=sys.stderr)
    return 2


def _build_platform(args: argparse.Namespace) -> Platform:
    config = load_config(args.config) if args.config else AcceleratorConfig()
    rows = cols = None
    if args.array:
        match = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", args.array)
        if not match:
            raise ConfigError(f"--array must look like RxC (e.g. 32x32), got {args.array!r}")
        rows, cols = int(match.group(1)), int(match.group(2))
    config = config.with_overrides(
        rows=rows, cols=cols, dataflow=args.dataflow, bandwidth_gbps=args.bandwidth, clock_ghz=args.clock
    )
    return Platform(
        config, n_chiplets=args.chiplets, link_bandwidth_gbps=args.link_bandwidth, link_latency_ns=args.link_latency
    )


def run(args: argparse.Namespace) -> int:
    """Run the simulation described by ``args``; print JSON or a table; return the exit code (0 or 2)."""
    if args.batch < 1:
        return _fail(f"--batch must be a positive integer, got {args.batch}")
    try:
        platform = _build_platform(args)
        layers = load_topology(args.topology, gemm=True if args.gemm else None)
    except (TopologyError, ConfigError) as exc:
        return _fail(str(exc))
    result = simulate_network(platform, layers, batch=args.batch, exact=args.exact)
    zero = next((r for r in result.layers if r.cycles == 0), None)
    if zero is not None:
        cfg = platform.chiplet
        return _fail(
            f"layer {zero.name!r} takes 0 cycles on a {cfg.rows}x{cfg.cols} {cfg.dataflow} array (SCALE-Sim's "
            "closed form gives 0 Total Cycles), so its utilisation and throughput are undefined; "
            "use a larger layer or array"
        )
    if args.json:
        doc = {
            "hwsim_version": SIMULATOR_VERSION,
            "topology": args.topology,
            "batch": args.batch,
            "config": platform.to_dict(),
            "layers": [layer.to_dict() for layer in result.layers],
            "total": result.total_dict(),
        }
        json.dump(doc, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    _print_table(platform, result, args)
    return 0


def _print_table(platform: Platform, result, args: argparse.Namespace) -> None:
    cfg = platform.chiplet
    bw = "unlimited" if cfg.bandwidth_gbps is None else f"{cfg.bandwidth_gbps:g} GB/s"
    print(
        f"{args.topology}: {len(result.layers)} layers, batch {result.batch}, {platform.n_chiplets} x "
        f"{cfg.rows}x{cfg.cols} {cfg.dataflow.upper()} @ {cfg.clock_ghz:g} GHz, off-chip {bw}"
    )
    header = f"{'layer':<16} {'cycles':>12} {'stall':>10} {'MACs':>14} {'util %':>7} {'DRAM bytes':>12}"
    print(header)
    print("-" * len(header))
    for r in result.layers:
        print(
            f"{r.name[:16]:<16} {r.cycles:>12} {r.stall_cycles:>10} {r.macs:>14} "
            f"{100 * r.utilization:>7.2f} {r.dram_bytes:>12}"
        )
    print("-" * len(header))
    print(
        f"{'total':<16} {result.cycles:>12} {result.stall_cycles:>10} {result.macs:>14} "
        f"{100 * result.utilization:>7.2f} {result.dram_bytes:>12}"
    )
    print(f"latency {result.latency_s * 1e3:.4f} ms, energy {result.energy_j * 1e3:.4f} mJ")
