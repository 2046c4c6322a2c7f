"""Run real SCALE-Sim v3.0.0 on a small set of LARGE layers (``large.json``): real ResNet-50 v1.5 layer shapes,
some spatially scaled down so that one SCALE-Sim run takes about a minute, in the regime where hwsim's default
mode uses closed forms (ifmap stream > ``memory.AUTO_EXACT_ENTRIES``, SRAM reads > ``memory.AUTO_SRAM_READS``,
ifmap larger than the CALC buffer's flush period).

Run BY HAND in the scratch SCALE-Sim venv (README of ``../scalesim_suite``), one case after the other::

    /work/wt/_scalesim/bin/python tests/hwsim_engine/goldens/scalesim_large/generate.py \
        > tests/hwsim_engine/goldens/scalesim_large/large.json

Each case reuses ``../scalesim_suite/generate.py``'s ``run_case`` (same .cfg template, USER bandwidths 4/8/8
words/cycle, SCALE-Sim CPU time in ``scalesim_cpu_s``). Layer fields as in the suite (name, ifmap H, W,
filter H, W, channels, filters, stride; ifmaps include the padding).
"""

from __future__ import annotations

import json
import os
import sys
from importlib.metadata import version

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scalesim_suite"))

import generate as suite  # noqa: E402

CASES = [
    # name, H, W, fh, fw, C, M, stride | rows, cols, dataflow, SRAM KiB, mode
    (["r50_res5_3x3", 9, 9, 3, 3, 512, 512, 1], 32, 32, "os", 64, "CALC"),
    (["r50_res4_3x3", 16, 16, 3, 3, 256, 256, 1], 16, 16, "ws", 64, "CALC"),
    (["r50_res2_3x3_half", 30, 30, 3, 3, 64, 64, 1], 32, 32, "os", 32, "CALC"),
    (["r50_conv1_half", 61, 61, 7, 7, 3, 64, 2], 32, 32, "ws", 32, "CALC"),
    (["r50_res3_3x3_s2_half", 30, 30, 3, 3, 64, 64, 2], 16, 16, "os", 64, "CALC"),
    (["r50_res4_3x3", 16, 16, 3, 3, 256, 256, 1], 32, 32, "is", 32, "CALC"),
    (["r50_res3_3x3_quarter", 16, 16, 3, 3, 128, 128, 1], 32, 128, "ws", 32, "CALC"),
    (["r50_res3_1x1", 28, 28, 1, 1, 256, 128, 1], 32, 32, "ws", 32, "CALC"),
    (["r50_res5_3x3", 9, 9, 3, 3, 512, 512, 1], 32, 32, "ws", 64, "USER"),
    (["r50_res2_3x3_half", 30, 30, 3, 3, 64, 64, 1], 32, 32, "os", 32, "USER"),
    (["r50_res4_1x1", 14, 14, 1, 1, 1024, 256, 1], 32, 32, "os", 64, "USER"),
    (["r50_res4_3x3", 16, 16, 3, 3, 256, 256, 1], 64, 64, "is", 64, "USER"),
]


def main() -> int:
    """Run every case (each result also printed to stderr as one JSON line); ``--from-log FILE`` instead writes
    the document from such lines (the cases that finished)."""
    if sys.argv[1:2] == ["--from-log"]:
        with open(sys.argv[2]) as fh:
            out = [json.loads(line) for line in fh if line.strip()]
    else:
        out = []
        for layer, rows, cols, df, kib, mode in CASES:
            case = {"kind": "conv", "layer": layer, "rows": rows, "cols": cols, "dataflow": df, "sram_kib": kib}
            res = suite.run_case({**case, "mode": mode})
            print(json.dumps(res), file=sys.stderr, flush=True)
            out.append(res)
    doc = {
        "source": f"SCALE-Sim v{version('scalesim')} (pip scalesim=={version('scalesim')}, MIT licence), "
        "COMPUTE_REPORT.csv / DETAILED_ACCESS_REPORT.csv; produced by "
        "tests/hwsim_engine/goldens/scalesim_large/generate.py",
        "numpy": version("numpy"),
        "python": sys.version.split()[0],
        "user_bandwidth_words_per_cycle": {
            "ifmap": suite.USER_BW[0],
            "filter": suite.USER_BW[1],
            "ofmap": suite.USER_BW[2],
        },
        "total_scalesim_cpu_s": round(sum(r["scalesim_cpu_s"] for r in out), 3),
    }
    head = json.dumps(doc, indent=1)[:-2]
    body = ",\n".join("  " + json.dumps(case) for case in out)
    sys.stdout.write(head + ',\n "cases": [\n' + body + "\n ]\n}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
