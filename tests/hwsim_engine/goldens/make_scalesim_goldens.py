"""Produce ``scalesim_v3_compute.json``: SCALE-Sim v3.0.0's own per-layer cycle counts for small layers.

Run BY HAND in a scratch venv outside the repository (never by the test suite; SCALE-Sim is not a
project dependency)::

    python3 -m venv /tmp/scalesim-venv
    /tmp/scalesim-venv/bin/pip install scalesim==3.0.0 "numpy<2.4"
    /tmp/scalesim-venv/bin/python tests/hwsim_engine/goldens/make_scalesim_goldens.py \
        > tests/hwsim_engine/goldens/scalesim_v3_compute.json

For every (array shape, dataflow, SRAM size) case below it writes a SCALE-Sim ``.cfg`` (CALC interface
bandwidth, i.e. SCALE-Sim's "estimate bandwidth" mode), one conv and one GEMM topology CSV, an empty layout
CSV, runs SCALE-Sim through its Python API (``scalesim.scale_sim.scalesim`` with ``save_disk_space=True`` so
no traces are written) in a temporary directory, and reads ``COMPUTE_REPORT.csv`` and
``DETAILED_ACCESS_REPORT.csv`` (``scalesim.get_total_cycles()`` raises in v3.0.0, so the reports are read).
The JSON printed on stdout is the golden file.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sys
import tempfile
from importlib.metadata import version

from scalesim.scale_sim import scalesim

#: name, ifmap_h, ifmap_w, filter_h, filter_w, channels, num_filters, stride
CONV_LAYERS = [
    ("c1", 8, 8, 3, 3, 2, 4, 1),
    ("c2", 10, 10, 3, 3, 3, 8, 2),
    ("c3", 7, 9, 2, 3, 4, 5, 1),
    ("c4", 12, 12, 5, 5, 1, 3, 3),
    ("c5", 6, 6, 1, 1, 16, 20, 1),
    ("c6", 9, 9, 3, 3, 8, 16, 2),
    ("c7", 5, 5, 5, 5, 2, 6, 1),
    ("c8", 11, 7, 3, 1, 3, 9, 2),
]

#: name, M, N, K  (SCALE-Sim GEMM topology "Layer, M, N, K,")
GEMM_LAYERS = [
    ("g1", 16, 16, 16),
    ("g2", 10, 7, 13),
    ("g3", 33, 5, 9),
    ("g4", 5, 40, 20),
    ("g5", 1, 8, 8),
    ("g6", 24, 12, 30),
]

#: rows, cols, SRAM KiB (ifmap = filter = ofmap)
ARRAYS = [(4, 4, 64), (8, 8, 64), (8, 4, 64), (4, 8, 64), (16, 16, 64), (4, 4, 1)]

#: SCALE-Sim's own example inputs (topologies/conv_nets/test.csv, topologies/GEMM_mnk/test_mnk_input.csv)
#: on its default configs/scale.cfg array (32x32, 64 KiB)
REFERENCE_CONV = [("Inc5b_3x3", 7, 7, 3, 3, 192, 384, 1)]
REFERENCE_GEMM = [("Test 1", 256, 128, 256)]
DATAFLOWS = ["os", "ws", "is"]

CFG_TEMPLATE = """[general]
run_name = {run_name}

[architecture_presets]
ArrayHeight:    {rows}
ArrayWidth:     {cols}
IfmapSramSzkB:   {sram}
FilterSramSzkB:  {sram}
OfmapSramSzkB:   {sram}
IfmapOffset:    0
FilterOffset:   10000000
OfmapOffset:    20000000
Bandwidth : 10
Dataflow : {dataflow}
MemoryBanks:   1
ReadRequestBuffer: 32
WriteRequestBuffer: 32

[layout]
IfmapCustomLayout: False
IfmapSRAMBankBandwidth: 10
IfmapSRAMBankNum: 10
IfmapSRAMBankPort: 2
FilterCustomLayout: False
FilterSRAMBankBandwidth: 10
FilterSRAMBankNum: 10
FilterSRAMBankPort: 2

[sparsity]
SparsitySupport : false
SparseRep : ellpack_block
OptimizedMapping : false
BlockSize : 8
RandomNumberGeneratorSeed : 40

[run_presets]
InterfaceBandwidth: CALC
UseRamulatorTrace: False
"""


def _read_report(path: str) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    header = [h.strip() for h in rows[0]]
    return [dict(zip(header, (c.strip() for c in row))) for row in rows[1:] if row]


def _run(workdir: str, rows: int, cols: int, sram: int, dataflow: str, gemm: bool, layers: list[tuple]) -> list[dict]:
    run_name = f"run_{rows}x{cols}_{sram}k_{dataflow}_{'gemm' if gemm else 'conv'}"
    cfg_path = os.path.join(workdir, run_name + ".cfg")
    topo_path = os.path.join(workdir, run_name + ".csv")
    layout_path = os.path.join(workdir, run_name + "_layout.csv")
    with open(cfg_path, "w") as fh:
        fh.write(CFG_TEMPLATE.format(run_name=run_name, rows=rows, cols=cols, sram=sram, dataflow=dataflow))
    with open(topo_path, "w") as fh:
        if gemm:
            fh.write("Layer, M, N, K,\n")
            for layer in layers:
                fh.write(", ".join(str(x) for x in layer) + ",\n")
        else:
            fh.write(
                "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
            )
            for layer in layers:
                fh.write(", ".join(str(x) for x in layer) + ",\n")
    with open(layout_path, "w") as fh:
        fh.write("Layer name,\n")  # header only: custom layouts are off
    sim = scalesim(
        save_disk_space=True,
        verbose=False,
        config=cfg_path,
        topology=topo_path,
        layout=layout_path,
        input_type_gemm=gemm,
    )
    with contextlib.redirect_stdout(io.StringIO()):
        sim.run_scale(top_path=os.path.join(workdir, "out"))
    report_dir = os.path.join(workdir, "out", run_name)
    compute = _read_report(os.path.join(report_dir, "COMPUTE_REPORT.csv"))
    detail = _read_report(os.path.join(report_dir, "DETAILED_ACCESS_REPORT.csv"))
    out = []
    for layer, comp, det in zip(layers, compute, detail, strict=True):
        row = {
            "kind": "gemm" if gemm else "conv",
            "layer": list(layer),
            "rows": rows,
            "cols": cols,
            "sram_kib": sram,
            "dataflow": dataflow,
            "total_cycles": int(comp["Total Cycles"]),
            "total_cycles_incl_prefetch": int(comp["Total Cycles (incl. prefetch)"]),
            "stall_cycles": int(comp["Stall Cycles"]),
            "overall_util_percent": float(comp["Overall Util %"]),
            "sram_ifmap_reads": int(float(det["SRAM IFMAP Reads"])),
            "sram_filter_reads": int(float(det["SRAM Filter Reads"])),
            "sram_ofmap_writes": int(float(det["SRAM OFMAP Writes"])),
            "dram_ifmap_reads": int(float(det["DRAM IFMAP Reads"])),
            "dram_filter_reads": int(float(det["DRAM Filter Reads"])),
            "dram_ofmap_writes": int(float(det["DRAM OFMAP Writes"])),
        }
        out.append(row)
    return out


def main() -> int:
    results = []
    with tempfile.TemporaryDirectory() as workdir:
        for rows, cols, sram in ARRAYS:
            for dataflow in DATAFLOWS:
                for gemm in (False, True):
                    layers = GEMM_LAYERS if gemm else CONV_LAYERS
                    results.extend(_run(workdir, rows, cols, sram, dataflow, gemm, layers))
                    print(f"done {rows}x{cols} {sram}KiB {dataflow} gemm={gemm}", file=sys.stderr)
        for dataflow in DATAFLOWS:
            results.extend(_run(workdir, 32, 32, 64, dataflow, False, REFERENCE_CONV))
            results.extend(_run(workdir, 32, 32, 64, dataflow, True, REFERENCE_GEMM))
            print(f"done reference 32x32 {dataflow}", file=sys.stderr)
    doc = {
        "source": f"SCALE-Sim v3.0.0 (pip scalesim=={version('scalesim')}), COMPUTE_REPORT.csv / "
        "DETAILED_ACCESS_REPORT.csv, InterfaceBandwidth CALC; produced by make_scalesim_goldens.py",
        "numpy": version("numpy"),
        "conv_layer_fields": [
            "name",
            "ifmap_h",
            "ifmap_w",
            "filter_h",
            "filter_w",
            "channels",
            "num_filters",
            "stride",
        ],
        "gemm_layer_fields": ["name", "m", "n", "k"],
        "cases": results,
    }
    # one case per line keeps the file small and diffs readable
    head = json.dumps({k: v for k, v in doc.items() if k != "cases"}, indent=1)[:-2]
    body = ",\n".join("  " + json.dumps(case) for case in results)
    sys.stdout.write(head + ',\n "cases": [\n' + body + "\n ]\n}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
