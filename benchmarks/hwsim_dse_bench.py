"""Design-space exploration benchmark: ``python benchmarks/hwsim_dse_bench.py`` (part of ``make benchmarks``).

A 10,000-configuration ResNet-50 v1.5 Offline sweep (batch 8; 5 array shapes × 2 dataflows × 5 SRAM sizes ×
5 chiplet counts × 2 partitionings × 5 nodes × 4 packages, 1 GHz), split into the portal's chunks
(:data:`hwsim.engine.dse.DEFAULT_CHUNK_SIZE` configurations each, a fresh evaluator per chunk exactly as one
Celery chunk task runs it). Printed figures (best of ``--repeat`` runs, ``time.perf_counter``):

* one core: every chunk in this process, one after the other — target ≤ 10 s;
* 1 and 2 workers: **multiprocessing** worker processes (``fork``; a ``Pool`` started inside the timing, so
  process start-up is counted) taking chunks from one queue — the 2-worker target is ≤ 0.6 × the 1-worker time;
* the Pareto fronts (throughput vs unit cost, throughput vs energy) from the fast algorithm against the
  O(n²) brute-force filter of the same points, and the points of all three runs being identical.

Exit status 1 when a target is missed or a check fails. Real Celery workers run the same chunk function in
the portal (``hwsim.dse_tasks``); the test suite checks that path (``tests/hwsim/test_dse_worker.py``).
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hwsim.engine import dse  # noqa: E402
from hwsim.engine.pareto import brute_force_front  # noqa: E402

SWEEP = {
    "workload": "resnet50_v1_5",
    "batch": 8,
    "scenario": "Offline",
    "shapes": [[16, 16], [32, 32], [64, 64], [128, 128], [32, 128]],
    "dataflows": ["os", "ws"],
    "sram_kib": [32, 64, 128, 256, 512],
    "clock_ghz": [1.0],
    "chiplets": [1, 2, 4, 8, 16],
    "partitioning": ["replicate", "split"],
    "nodes": [5, 7, 14, 28, 40],
    "packages": ["os", "fo-chip-first", "fo-chip-last", "si"],
}
TARGET_ONE_CORE_S = 10.0
TARGET_RATIO = 0.6
_SPEC = dse.parse_sweep(SWEEP)


def _chunk(bounds: tuple[int, int]) -> list[list]:
    """One chunk as a Celery chunk task computes it: fresh evaluator, compact rows (what it stores)."""
    return [dse.pack(p) for p in dse.evaluate_range(_SPEC, *bounds)]


def _in_process(chunks: list[tuple[int, int]]) -> list[dict]:
    return [dse.unpack(row) for bounds in chunks for row in _chunk(bounds)]


def _pool(chunks: list[tuple[int, int]], workers: int) -> list[dict]:
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        parts = pool.map(_chunk, chunks, chunksize=1)
    return [dse.unpack(row) for part in parts for row in part]


def _best(fn, repeat: int) -> tuple[float, list[dict]]:
    best, result = float("inf"), []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    spec = _SPEC
    chunks = dse.chunk_ranges(spec.size, dse.DEFAULT_CHUNK_SIZE)
    one_core, points = _best(lambda: _in_process(chunks), args.repeat)
    one_worker, points1 = _best(lambda: _pool(chunks, 1), args.repeat)
    two_workers, points2 = _best(lambda: _pool(chunks, 2), args.repeat)
    same = points == points1 == points2
    feasible = [p for p in points if p["feasible"]]
    fronts = dse.fronts(points)
    start = time.perf_counter()
    brute = {
        name: [feasible[i]["index"] for i in brute_force_front([(p["throughput"], p[key]) for p in feasible])]
        for name, key in (("cost", "unit_cost_usd"), ("energy", "energy_j"))
    }
    brute_s = time.perf_counter() - start
    ratio = two_workers / one_worker
    print(
        f"DSE sweep: {spec.size} ResNet-50 configurations ({len(feasible)} feasible), {len(chunks)} chunks of "
        f"{dse.DEFAULT_CHUNK_SIZE}; {multiprocessing.cpu_count()} CPUs; best of {args.repeat}"
    )
    print(
        f"{'one core (in-process)':<40} {one_core:>8.3f} s  target ≤ {TARGET_ONE_CORE_S:g} s  "
        f"{'ok' if one_core <= TARGET_ONE_CORE_S else 'MISSED'}"
    )
    print(f"{'1 worker (multiprocessing process)':<40} {one_worker:>8.3f} s")
    print(
        f"{'2 workers (multiprocessing processes)':<40} {two_workers:>8.3f} s  ratio {ratio:.2f} "
        f"(target ≤ {TARGET_RATIO})  {'ok' if ratio <= TARGET_RATIO else 'MISSED'}"
    )
    print(f"{'points identical in all three runs':<40} {same}")
    for name in ("cost", "energy"):
        print(
            f"front throughput/{name:<7} {len(fronts[name]):>3} points; "
            f"equals brute force: {fronts[name] == brute[name]}"
        )
    print(f"(brute-force filter took {brute_s:.1f} s)")
    ok = one_core <= TARGET_ONE_CORE_S and ratio <= TARGET_RATIO and same and fronts == brute
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
