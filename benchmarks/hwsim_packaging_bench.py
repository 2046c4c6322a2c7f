"""Benchmark of :mod:`hwsim.engine.packaging` (Chiplet Actuary cost model).

``run()`` returns ``[{"name", "value", "unit", "target"}, ...]``: the wall time of a sweep of 1 000
package configurations (5 nodes × 4 package types × 1-8 chips × varied die areas), measured with
``time.perf_counter`` as the best of several repetitions, both with cold caches (every die and
interposer computed afresh) and warm caches. Target: < 1 s.

Run from the repository root: ``python -m benchmarks.hwsim_packaging_bench``.
"""

from __future__ import annotations

import time

from hwsim.engine import packaging as pk

N_CONFIGS = 1000
REPEATS = 7
TARGET_S = 1.0


def _configs() -> list[tuple[int, float, int, str]]:
    nodes = (5, 7, 14, 28, 55)
    configs = []
    for i in range(N_CONFIGS):
        configs.append(
            (nodes[i % len(nodes)], 20.0 + (i * 7.3) % 500.0, 1 + i % 8, pk.PACKAGE_TYPES[i % len(pk.PACKAGE_TYPES)])
        )
    return configs


def _sweep(configs: list[tuple[int, float, int, str]]) -> float:
    total = 0.0
    for node, area, count, package in configs:
        total += pk.package_cost(pk.ChipSpec(node, area, count=count), package).total_cost_usd
    return total


def _best(configs: list[tuple[int, float, int, str]], cold: bool) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        if cold:
            pk._die_cost.cache_clear()
            pk._interposer.cache_clear()
        start = time.perf_counter()
        _sweep(configs)
        best = min(best, time.perf_counter() - start)
    return best


def run() -> list[dict]:
    """Return the benchmark entries (seconds per 1 000-configuration sweep)."""
    configs = _configs()
    return [
        {
            "name": "packaging_sweep_1000_configs_cold_cache",
            "value": _best(configs, cold=True),
            "unit": "s",
            "target": TARGET_S,
        },
        {
            "name": "packaging_sweep_1000_configs_warm_cache",
            "value": _best(configs, cold=False),
            "unit": "s",
            "target": TARGET_S,
        },
    ]


if __name__ == "__main__":
    for entry in run():
        print(f"{entry['name']}: {entry['value'] * 1e3:.2f} ms (target < {entry['target']:g} s)")
