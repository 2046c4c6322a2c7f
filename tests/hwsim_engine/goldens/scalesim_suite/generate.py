"""Generate the seeded SCALE-Sim comparison suite and run real SCALE-Sim v3.0.0 on it (``suite.json``).

Run BY HAND in a scratch venv outside the project venv (never by the test suite; SCALE-Sim is not a project
dependency, MIT licence)::

    python3 -m venv /work/wt/_scalesim
    /work/wt/_scalesim/bin/pip install scalesim==3.0.0 "numpy<2.4"
    /work/wt/_scalesim/bin/python tests/hwsim_engine/goldens/scalesim_suite/generate.py \
        > tests/hwsim_engine/goldens/scalesim_suite/suite.json

The suite (``SEED`` below, :func:`make_layers`): conv layers with random ifmaps 3–20, filters 1–5 (non-square),
1–12 channels, 1–32 filters and strides 1–5, a third of them with the stride larger than the filter (so output
windows hang off or lie outside the ifmap), and random GEMMs; every layer gets a random (often non-square) array
shape and is run in all three dataflows, with 1 KiB SRAMs (operands do not fit) and 64 KiB SRAMs (they fit), in
SCALE-Sim's CALC interface mode (``InterfaceBandwidth: CALC``) and in USER mode with
``IfmapSRAMBankBandwidth``/``FilterSRAMBankBandwidth``/``Bandwidth`` = ``USER_BW`` words per cycle.

Each case runs SCALE-Sim once, alone, through its Python API (``scalesim.scale_sim.scalesim`` with
``save_disk_space=True``) in a temporary directory; ``COMPUTE_REPORT.csv`` and ``DETAILED_ACCESS_REPORT.csv``
are read back and SCALE-Sim's CPU time (``time.process_time`` around ``run_scale``) is recorded in
``scalesim_cpu_s``. Two worker processes share the runs; the output order is deterministic.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import random
import sys
import tempfile
import time
from importlib.metadata import version
from multiprocessing import Pool

SEED = 20261201
N_CONV = 44
N_GEMM = 22
ARRAYS = [(4, 4), (8, 4), (4, 8), (8, 8), (2, 8), (16, 4), (4, 16), (16, 16), (1, 8), (8, 2)]
SRAM_KIB = (1, 64)
DATAFLOWS = ("os", "ws", "is")
#: USER-mode bandwidths in words/cycle: ifmap (IfmapSRAMBankBandwidth), filter (FilterSRAMBankBandwidth),
#: ofmap (Bandwidth)
USER_BW = (4, 8, 8)

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
Bandwidth : {bw_ofmap}
Dataflow : {dataflow}
MemoryBanks:   1
ReadRequestBuffer: 32
WriteRequestBuffer: 32

[layout]
IfmapCustomLayout: False
IfmapSRAMBankBandwidth: {bw_ifmap}
IfmapSRAMBankNum: 1
IfmapSRAMBankPort: 2
FilterCustomLayout: False
FilterSRAMBankBandwidth: {bw_filter}
FilterSRAMBankNum: 1
FilterSRAMBankPort: 2

[sparsity]
SparsitySupport : false
SparseRep : ellpack_block
OptimizedMapping : false
BlockSize : 8
RandomNumberGeneratorSeed : 40

[run_presets]
InterfaceBandwidth: {mode}
UseRamulatorTrace: False
"""


def make_layers(seed: int = SEED) -> list[dict]:
    """The seeded layers: ``{"kind", "layer", "rows", "cols"}`` dicts (conv fields as in topology CSVs)."""
    rng = random.Random(seed)
    out = []
    for i in range(N_CONV):
        fh, fw = rng.randint(1, 5), rng.randint(1, 5)
        if i % 3 == 0:  # stride larger than the filter: windows skip rows/columns, the last may hang off
            stride = rng.randint(max(fh, fw) + 1, 6)
        else:
            stride = rng.randint(1, 3)
        h, w = rng.randint(max(fh, 3), 20), rng.randint(max(fw, 3), 20)
        layer = [f"c{i:02d}", h, w, fh, fw, rng.randint(1, 12), rng.randint(1, 32), stride]
        rows, cols = rng.choice(ARRAYS)
        out.append({"kind": "conv", "layer": layer, "rows": rows, "cols": cols})
    for i in range(N_GEMM):
        layer = [f"g{i:02d}", rng.randint(1, 80), rng.randint(1, 64), rng.randint(1, 80)]
        rows, cols = rng.choice(ARRAYS)
        out.append({"kind": "gemm", "layer": layer, "rows": rows, "cols": cols})
    return out


def _read_report(path: str) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    header = [h.strip() for h in rows[0]]
    return [dict(zip(header, (c.strip() for c in row))) for row in rows[1:] if row]


def run_case(case: dict) -> dict:
    """Run SCALE-Sim on one case (a layer dict + ``dataflow``, ``sram_kib``, ``mode``); return its numbers."""
    from scalesim.scale_sim import scalesim

    gemm = case["kind"] == "gemm"
    with tempfile.TemporaryDirectory() as workdir:
        run_name = "run"
        cfg_path = os.path.join(workdir, "run.cfg")
        topo_path = os.path.join(workdir, "topo.csv")
        layout_path = os.path.join(workdir, "layout.csv")
        with open(cfg_path, "w") as fh:
            fh.write(
                CFG_TEMPLATE.format(
                    run_name=run_name,
                    rows=case["rows"],
                    cols=case["cols"],
                    sram=case["sram_kib"],
                    dataflow=case["dataflow"],
                    mode=case["mode"],
                    bw_ifmap=USER_BW[0],
                    bw_filter=USER_BW[1],
                    bw_ofmap=USER_BW[2],
                )
            )
        with open(topo_path, "w") as fh:
            if gemm:
                fh.write("Layer, M, N, K,\n")
            else:
                fh.write(
                    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
                    "Strides,\n"
                )
            fh.write(", ".join(str(x) for x in case["layer"]) + ",\n")
        with open(layout_path, "w") as fh:
            fh.write("Layer name,\n")
        sim = scalesim(
            save_disk_space=True,
            verbose=False,
            config=cfg_path,
            topology=topo_path,
            layout=layout_path,
            input_type_gemm=gemm,
        )
        start = time.process_time()
        with contextlib.redirect_stdout(io.StringIO()):
            sim.run_scale(top_path=os.path.join(workdir, "out"))
        cpu = time.process_time() - start
        report_dir = os.path.join(workdir, "out", run_name)
        comp = _read_report(os.path.join(report_dir, "COMPUTE_REPORT.csv"))[0]
        det = _read_report(os.path.join(report_dir, "DETAILED_ACCESS_REPORT.csv"))[0]
    return {
        **case,
        "total_cycles": int(comp["Total Cycles"]),
        "total_cycles_incl_prefetch": int(comp["Total Cycles (incl. prefetch)"]),
        "stall_cycles": int(comp["Stall Cycles"]),
        "sram_ifmap_reads": int(float(det["SRAM IFMAP Reads"])),
        "sram_filter_reads": int(float(det["SRAM Filter Reads"])),
        "sram_ofmap_writes": int(float(det["SRAM OFMAP Writes"])),
        "dram_ifmap_reads": int(float(det["DRAM IFMAP Reads"])),
        "dram_filter_reads": int(float(det["DRAM Filter Reads"])),
        "dram_ofmap_writes": int(float(det["DRAM OFMAP Writes"])),
        "scalesim_cpu_s": round(cpu, 4),
    }


def all_cases() -> list[dict]:
    """Every (layer, dataflow, SRAM size, interface mode) case of the suite, in output order."""
    return [
        {**layer, "dataflow": df, "sram_kib": sram, "mode": mode}
        for layer in make_layers()
        for df in DATAFLOWS
        for sram in SRAM_KIB
        for mode in ("CALC", "USER")
    ]


def main() -> int:
    cases = all_cases()
    with Pool(2) as pool:
        results = []
        for i, res in enumerate(pool.imap(run_case, cases, chunksize=4)):
            results.append(res)
            if i % 50 == 0:
                print(f"{i}/{len(cases)}", file=sys.stderr)
    doc = {
        "source": f"SCALE-Sim v{version('scalesim')} (pip scalesim=={version('scalesim')}, MIT licence), "
        "COMPUTE_REPORT.csv / DETAILED_ACCESS_REPORT.csv; produced by "
        "tests/hwsim_engine/goldens/scalesim_suite/generate.py",
        "numpy": version("numpy"),
        "python": sys.version.split()[0],
        "seed": SEED,
        "user_bandwidth_words_per_cycle": {"ifmap": USER_BW[0], "filter": USER_BW[1], "ofmap": USER_BW[2]},
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
        "total_scalesim_cpu_s": round(sum(r["scalesim_cpu_s"] for r in results), 3),
    }
    head = json.dumps(doc, indent=1)[:-2]
    body = ",\n".join("  " + json.dumps(case) for case in results)
    sys.stdout.write(head + ',\n "cases": [\n' + body + "\n ]\n}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
