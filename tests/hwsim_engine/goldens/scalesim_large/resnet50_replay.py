"""hwsim's default-mode ifmap estimate against its exact replay on whole real ResNet-50 v1.5 layers.

SCALE-Sim takes minutes to hours on these layers; hwsim's exact replay (``hwsim.engine.ifmap_stream``, equal to
SCALE-Sim v3.0.0's CALC-mode ifmap DRAM reads on every suite case and on ``large.json``) takes seconds, so it is
the reference here. Run by hand (about 2 minutes)::

    /work/main/.venv/bin/python tests/hwsim_engine/goldens/scalesim_large/resnet50_replay.py \
        > tests/hwsim_engine/goldens/scalesim_large/resnet50_replay.txt

Layers (ifmaps padded, batch 1): every overlapping ResNet-50 shape — conv1 7×7/2, the 3×3/1 of res2–res5 and a
3×3/2 — on DSE array shapes, os/ws/is, 32 and 128 KiB SRAMs (cases whose ifmap fits the flush period skipped).
One line per case: reads by the exact replay, the default mode (``simulate_memory`` without ``exact``) and their
ratio; then the counts within 2 % and 5 %.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[4]))

from hwsim.engine.config import AcceleratorConfig  # noqa: E402
from hwsim.engine.ifmap_stream import exact_ifmap_reads  # noqa: E402
from hwsim.engine.memory import epoch_elems, simulate_memory  # noqa: E402
from hwsim.engine.topology import ConvLayer  # noqa: E402

LAYERS = [
    ConvLayer("res5_3x3", 9, 9, 3, 3, 512, 512, 1),
    ConvLayer("res4_3x3", 16, 16, 3, 3, 256, 256, 1),
    ConvLayer("res3_3x3", 30, 30, 3, 3, 128, 128, 1),
    ConvLayer("res4_3x3_s2", 30, 30, 3, 3, 256, 256, 2),
    ConvLayer("res2_3x3", 58, 58, 3, 3, 64, 64, 1),
    ConvLayer("conv1", 230, 230, 7, 7, 3, 64, 2),
]
ARRAYS = [(32, 32, "os"), (32, 32, "ws"), (64, 64, "is"), (16, 16, "os"), (128, 128, "ws")]


def main() -> int:
    ratios = []
    for layer in LAYERS:
        for rows, cols, df in ARRAYS:
            for kib in (32, 128):
                k = epoch_elems(kib)
                if layer.ifmap_elems < k:
                    continue
                exact = exact_ifmap_reads(layer, df, rows, cols, k)
                config = AcceleratorConfig(
                    rows=rows, cols=cols, dataflow=df, ifmap_sram_kib=kib, filter_sram_kib=kib, ofmap_sram_kib=kib
                )
                default = simulate_memory(layer, config).dram_ifmap_read_bytes
                ratios.append(default / exact)
                print(
                    f"{layer.name:12} {rows:3}x{cols:<3} {df} {kib:3} KiB  exact {exact:9}  default {default:9}"
                    f"  ratio {default / exact:.3f}",
                    flush=True,
                )
    within = [sum(abs(r - 1) <= tol for r in ratios) for tol in (0.02, 0.05)]
    print(
        f"{len(ratios)} cases: {within[0]} within 2 %, {within[1]} within 5 %, "
        f"worst {max(abs(r - 1) for r in ratios):.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
