"""Speed of hwsim's layer model against real SCALE-Sim v3.0.0 on the committed comparison suite.

``run(repeats=3) -> list[dict]`` times :func:`hwsim.engine.memory.simulate_memory` (compute cycles, SRAM and
DRAM traffic, USER-mode stalls) over every case of ``tests/hwsim_engine/goldens/scalesim_suite/suite.json``
(792 runs: 66 layers × os/ws/is × 1/64 KiB × CALC/USER) with ``exact=True`` and an empty result cache, best
of ``repeats`` (``time.process_time``, CPU
seconds like the recorded SCALE-Sim times), and returns the ratio SCALE-Sim CPU time / hwsim CPU time, overall
and for the CALC and USER halves, each with the issue's target (≥ 100×); and ``scalesim_large_speedup_default``:
the same for the large ResNet-50 set (``goldens/scalesim_large/large.json``) in DEFAULT mode (no ``exact``, the
portal's mode: closed forms and the sampled ifmap estimate, both caches emptied before each run).
The SCALE-Sim times are the ``scalesim_cpu_s`` recorded per run when the goldens were made (``generate.py``;
SCALE-Sim is not run here).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hwsim.engine.config import AcceleratorConfig  # noqa: E402
from hwsim.engine.memory import _simulate_memory, clear_caches, simulate_memory  # noqa: E402
from hwsim.engine.topology import ConvLayer, GemmLayer  # noqa: E402

SUITE = ROOT / "tests" / "hwsim_engine" / "goldens" / "scalesim_suite" / "suite.json"
LARGE = ROOT / "tests" / "hwsim_engine" / "goldens" / "scalesim_large" / "large.json"


def _inputs(doc: dict) -> list[tuple]:
    bw = doc["user_bandwidth_words_per_cycle"]
    out = []
    for case in doc["cases"]:
        layer = ConvLayer(*case["layer"]) if case["kind"] == "conv" else GemmLayer(*case["layer"])
        extra = {}
        if case["mode"] == "USER":
            extra = {
                "bandwidth_gbps": float(bw["ofmap"]),
                "ifmap_bandwidth_gbps": float(bw["ifmap"]),
                "filter_bandwidth_gbps": float(bw["filter"]),
            }
        kib = case["sram_kib"]
        config = AcceleratorConfig(
            rows=case["rows"],
            cols=case["cols"],
            dataflow=case["dataflow"],
            ifmap_sram_kib=kib,
            filter_sram_kib=kib,
            ofmap_sram_kib=kib,
            **extra,
        )
        out.append((case, layer, config))
    return out


def run(repeats: int = 3) -> list[dict]:
    doc = json.loads(SUITE.read_text())
    inputs = _inputs(doc)
    rows = []
    for label, mode in (("all", None), ("CALC", "CALC"), ("USER", "USER")):
        chosen = [(layer, config) for case, layer, config in inputs if mode is None or case["mode"] == mode]
        scalesim = sum(case["scalesim_cpu_s"] for case, _, _ in inputs if mode is None or case["mode"] == mode)
        best = float("inf")
        for _ in range(repeats):
            _simulate_memory.cache_clear()
            start = time.process_time()
            for layer, config in chosen:
                simulate_memory(layer, config, exact=True)
            best = min(best, time.process_time() - start)
        rows.append(
            {
                "name": f"scalesim_suite_speedup_{label.lower()}",
                "kind": "ratio",
                "value": scalesim / best,
                "target": 100.0,
                "runs": len(chosen),
                "hwsim_s": best,
                "scalesim_s": scalesim,
            }
        )
    large = json.loads(LARGE.read_text())
    large["user_bandwidth_words_per_cycle"] = doc["user_bandwidth_words_per_cycle"]
    chosen = [(layer, config) for _, layer, config in _inputs(large)]
    best = float("inf")
    for _ in range(repeats):
        clear_caches()
        start = time.process_time()
        for layer, config in chosen:
            simulate_memory(layer, config)
        best = min(best, time.process_time() - start)
    scalesim = sum(case["scalesim_cpu_s"] for case in large["cases"])
    rows.append(
        {
            "name": "scalesim_large_speedup_default",
            "kind": "ratio",
            "value": scalesim / best,
            "target": 100.0,
            "runs": len(chosen),
            "hwsim_s": best,
            "scalesim_s": scalesim,
        }
    )
    return rows


if __name__ == "__main__":
    for row in run():
        print(
            f"{row['name']:<32} {row['runs']:>4} runs  SCALE-Sim {row['scalesim_s']:8.2f} s  hwsim "
            f"{row['hwsim_s']:7.3f} s  {row['value']:7.0f}x (target >= {row['target']:.0f}x)"
        )
