"""hwsim performance figures, one command: ``python benchmarks/hwsim_bench.py`` (or ``make benchmarks``).

Prints each figure against its target from the hwsim issue (2-core machine):
whole-network ResNet-50 simulation < 10 ms; a 270,336-query Server run < 2 s; a Server QPS search < 30 s;
a 1,000-configuration packaging sweep < 1 s; the SCALE-Sim comparison suite (hwsim_scalesim_suite_bench)
≥ 100× faster than SCALE-Sim's recorded CPU time. Exit status 1 when a figure misses its target, so the script
can gate a release; the unit tests never time anything.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import hwsim_loadgen_bench  # noqa: E402
import hwsim_packaging_bench  # noqa: E402
import hwsim_scalesim_suite_bench  # noqa: E402
import hwsim_sim_bench  # noqa: E402


def main() -> int:
    entries = hwsim_sim_bench.run() + hwsim_loadgen_bench.run() + hwsim_packaging_bench.run()
    entries += hwsim_scalesim_suite_bench.run()
    missed = 0
    print(f"{'figure':<36} {'value':>12} {'target':>10}  verdict")
    for entry in entries:
        value, target = float(entry["value"]), float(entry["target"])
        if entry.get("kind") == "ratio":  # a speed-up: higher is better
            ok = value >= target
            print(f"{entry['name']:<36} {value:>11.0f}x {target:>8.0f}x  {'ok' if ok else 'MISSED'}")
        else:
            ok = value < target
            print(f"{entry['name']:<36} {value * 1e3:>10.2f}ms {target * 1e3:>8.0f}ms  {'ok' if ok else 'MISSED'}")
        missed += not ok
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
