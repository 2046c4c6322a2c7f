"""Timing benchmark of hwsim's systolic-array network simulation (hwsim.engine.platform.simulate_network).

``run(topology_path=None, repeats=20) -> list[dict]`` returns entries ``{"name", "value", "unit", "target"}``
(best-of-``repeats`` wall-clock seconds, ``time.perf_counter``; ``target`` is the upper bound from the task
brief):

- ``resnet50_simulate_s``: one whole ResNet-50 on SCALE-Sim's default 32×32 WS array, batch 1 — target 10 ms;
- ``resnet50_4chiplet_batch8_s``: the same on a 4-chiplet platform at batch 8 — target 10 ms.

``topology_path`` is a SCALE-Sim topology CSV (e.g. ``tests/data/scalesim/mlperf/Resnet50.csv``);
without it the built-in ``resnet50_v1_5`` workload is used.
"""

from __future__ import annotations

import sys
import time

from hwsim.engine.config import AcceleratorConfig
from hwsim.engine.memory import clear_caches
from hwsim.engine.platform import Platform, simulate_network
from hwsim.engine.topology import detect_gemm, load_topology, parse_conv_csv, parse_gemm_csv


def _layers(topology_path: str | None):
    if topology_path:
        return load_topology(topology_path)
    from hwsim.engine.workloads import builtin_topology_text

    text = builtin_topology_text("resnet50_v1_5")
    return parse_gemm_csv(text, "resnet50_v1_5") if detect_gemm(text) else parse_conv_csv(text, "resnet50_v1_5")


def _best(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run(topology_path: str | None = None, repeats: int = 20) -> list[dict]:
    layers = _layers(topology_path)
    config = AcceleratorConfig()

    def fresh(fn):  # empty hwsim.engine.memory's per-layer caches first: time the simulation, not the cache
        return lambda: (clear_caches(), fn())

    single = _best(fresh(lambda: simulate_network(config, layers)), repeats)
    multi = _best(fresh(lambda: simulate_network(Platform(config, n_chiplets=4), layers, batch=8)), repeats)
    return [
        {"name": "resnet50_simulate_s", "value": single, "unit": "s", "target": 0.010, "layers": len(layers)},
        {"name": "resnet50_4chiplet_batch8_s", "value": multi, "unit": "s", "target": 0.010},
    ]


if __name__ == "__main__":
    for row in run(sys.argv[1] if len(sys.argv) > 1 else None):
        print(row)
