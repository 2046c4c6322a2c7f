"""Compute cycles against SCALE-Sim v3.0.0's own COMPUTE_REPORT.csv "Total Cycles" (exact equality).

Golden source: tests/hwsim_engine/goldens/scalesim_v3_compute.json, produced by
tests/hwsim_engine/goldens/make_scalesim_goldens.py running pip scalesim==3.0.0 (see goldens/README.md).
"""

import json
import math
from pathlib import Path

import pytest

from hwsim.engine.config import AcceleratorConfig
from hwsim.engine.systolic import compute_cycles, cycles_for_dims, fold_counts, simulate_compute
from hwsim.engine.topology import ConvLayer, GemmLayer

GOLDENS = json.loads((Path(__file__).parent / "goldens" / "scalesim_v3_compute.json").read_text())
CASES = GOLDENS["cases"]


def _layer(case):
    if case["kind"] == "conv":
        return ConvLayer(*case["layer"])
    return GemmLayer(*case["layer"])


def _config(case):
    return AcceleratorConfig(
        rows=case["rows"],
        cols=case["cols"],
        dataflow=case["dataflow"],
        ifmap_sram_kib=case["sram_kib"],
        filter_sram_kib=case["sram_kib"],
        ofmap_sram_kib=case["sram_kib"],
    )


def _case_id(case):
    return f"{case['kind']}-{case['layer'][0]}-{case['rows']}x{case['cols']}-{case['sram_kib']}k-{case['dataflow']}"


def test_goldens_cover_every_dataflow_kind_and_array():
    # the brief: conv and GEMM, all three dataflows, multi-fold on small and non-square arrays
    combos = {(c["kind"], c["dataflow"]) for c in CASES}
    assert combos == {(k, d) for k in ("conv", "gemm") for d in ("os", "ws", "is")}
    assert {(c["rows"], c["cols"]) for c in CASES} >= {(4, 4), (8, 8), (8, 4), (4, 8), (16, 16), (32, 32)}
    assert all(c["stall_cycles"] == 0 for c in CASES)  # CALC mode never stalls
    assert len(CASES) == 258  # 6 arrays x 3 dataflows x (8 conv + 6 GEMM) + 6 reference rows


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_total_cycles_equal_scalesim(case):
    # golden: SCALE-Sim v3.0.0 COMPUTE_REPORT.csv "Total Cycles" for this layer/array/dataflow
    result = simulate_compute(_layer(case), _config(case))
    assert result.cycles == case["total_cycles"]
    # "Overall Util %" = num_compute * 100 / (total_cycles * num_mac_unit) (single_layer_sim.calc_report_data)
    assert result.macs * 100 / (result.cycles * case["rows"] * case["cols"]) == case["overall_util_percent"]
    assert math.isclose(result.utilization * 100, case["overall_util_percent"], rel_tol=1e-12)


def test_closed_form_hand_example():
    # c1 (8x8x2 ifmap, 3x3 filters, 4 filters, stride 1) on 4x4 OS: Sr=36, Sc=4, T=18, 9 folds,
    # 9 * (4 + 4 + 18 - 2) - 1 = 215 (SCALE-Sim COMPUTE_REPORT: 215)
    layer = ConvLayer("c1", 8, 8, 3, 3, 2, 4, 1)
    result = simulate_compute(layer, AcceleratorConfig(rows=4, cols=4, dataflow="os"))
    assert (result.sr, result.sc, result.t, result.row_folds, result.col_folds) == (36, 4, 18, 9, 1)
    assert result.cycles == 215
    # WS: Sr=18, Sc=4, T=36: 5 folds * (2*4 + 4 + 36 - 2) - 1 = 229
    assert compute_cycles(layer, AcceleratorConfig(rows=4, cols=4, dataflow="ws")) == 229


def test_fold_counts_and_validation():
    assert fold_counts(33, 5, 8, 4) == (5, 2)
    with pytest.raises(ValueError, match="dataflow"):
        cycles_for_dims(1, 1, 1, 4, 4, "xx")
    with pytest.raises(ValueError, match="positive"):
        cycles_for_dims(0, 1, 1, 4, 4, "os")


def test_batch_adds_rows_of_work_and_changes_utilisation():
    # GEMM M=5 on an 8x8 OS array leaves rows idle; batch 8 makes M = 40 -> 5 full row folds
    layer = GemmLayer("g4", 5, 40, 20)
    config = AcceleratorConfig(rows=8, cols=8, dataflow="os")
    one = simulate_compute(layer, config, batch=1)
    eight = simulate_compute(layer, config, batch=8)
    assert one.cycles == cycles_for_dims(5, 40, 20, 8, 8, "os") == 5 * (8 + 8 + 20 - 2) - 1
    assert eight.sr == 40 and eight.macs == 8 * one.macs
    assert eight.cycles == cycles_for_dims(40, 40, 20, 8, 8, "os")
    assert eight.utilization > one.utilization
    conv = ConvLayer("c1", 8, 8, 3, 3, 2, 4, 1)
    ws = AcceleratorConfig(rows=4, cols=4, dataflow="ws")
    assert simulate_compute(conv, ws, batch=2).t == 72
    with pytest.raises(ValueError):
        simulate_compute(conv, ws, batch=0)
