"""SRAM/DRAM traffic, roofline stalls, latency and energy (hwsim.engine.memory).

SCALE-Sim goldens: tests/hwsim_engine/goldens/scalesim_v3_compute.json (DETAILED_ACCESS_REPORT.csv columns of
SCALE-Sim v3.0.0, produced by goldens/make_scalesim_goldens.py).
"""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from hwsim.engine.config import AcceleratorConfig
from hwsim.engine.memory import PJ, dram_traffic, simulate_memory, sram_accesses, stall_cycles
from hwsim.engine.systolic import simulate_compute
from hwsim.engine.topology import ConvLayer, GemmLayer

CASES = json.loads((Path(__file__).parent / "goldens" / "scalesim_v3_compute.json").read_text())["cases"]


def _layer(case):
    return ConvLayer(*case["layer"]) if case["kind"] == "conv" else GemmLayer(*case["layer"])


def _config(case, **extra):
    return AcceleratorConfig(
        rows=case["rows"],
        cols=case["cols"],
        dataflow=case["dataflow"],
        ifmap_sram_kib=case["sram_kib"],
        filter_sram_kib=case["sram_kib"],
        ofmap_sram_kib=case["sram_kib"],
        **extra,
    )


def _case_id(case):
    return f"{case['kind']}-{case['layer'][0]}-{case['rows']}x{case['cols']}-{case['sram_kib']}k-{case['dataflow']}"


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_sram_reads_equal_scalesim(case):
    # golden: SCALE-Sim DETAILED_ACCESS_REPORT "SRAM IFMAP Reads" / "SRAM Filter Reads"
    config = _config(case)
    compute = simulate_compute(_layer(case), config)
    ifmap_reads, filter_reads, ofmap_writes, _ = sram_accesses(compute, config.dataflow)
    assert (ifmap_reads, filter_reads) == (case["sram_ifmap_reads"], case["sram_filter_reads"])
    if config.dataflow != "os":  # SCALE-Sim's os ofmap count adds R+C per fold (counting quirk)
        assert ofmap_writes == case["sram_ofmap_writes"]
    else:
        assert (
            ofmap_writes + compute.row_folds * compute.col_folds * (config.rows + config.cols)
            == case["sram_ofmap_writes"]
        )


def _fits(case):
    layer, half = _layer(case), case["sram_kib"] * 512
    return layer.ifmap_elems < half and layer.filter_elems < half


@pytest.mark.parametrize("case", [c for c in CASES if _fits(c)], ids=_case_id)
def test_dram_reads_equal_scalesim_when_operands_fit(case):
    # golden: SCALE-Sim DETAILED_ACCESS_REPORT "DRAM IFMAP Reads" / "DRAM Filter Reads" for every case whose
    # ifmap and filter fit in half their SRAM (1-byte words)
    config = _config(case)
    layer = _layer(case)
    ifmap, filt, ofmap_w, ofmap_r = dram_traffic(layer, config, simulate_compute(layer, config))
    assert (ifmap, filt) == (case["dram_ifmap_reads"], case["dram_filter_reads"])
    if config.dataflow == "os":  # os: every output written once, like SCALE-Sim
        assert ofmap_w == case["dram_ofmap_writes"] and ofmap_r == 0


def test_goldens_have_enough_fitting_cases():
    assert len([c for c in CASES if _fits(c)]) >= 200


def test_refetch_when_operand_does_not_fit():
    # c5 on a 4x4 OS array with 1 KiB SRAMs: the 576-byte ifmap exceeds the 512-byte active half, so it is
    # streamed once per column fold (ceil(20/4) = 5): 2880 bytes, SCALE-Sim's "DRAM IFMAP Reads" too
    layer = ConvLayer("c5", 6, 6, 1, 1, 16, 20, 1)
    config = AcceleratorConfig(rows=4, cols=4, dataflow="os", ifmap_sram_kib=1, filter_sram_kib=1, ofmap_sram_kib=1)
    assert dram_traffic(layer, config, simulate_compute(layer, config))[0] == 2880
    # is: the filter streams per column fold instead (g4: 800 bytes x ceil(5/4) = 1600, as SCALE-Sim)
    g4 = GemmLayer("g4", 5, 40, 20)
    cfg_is = AcceleratorConfig(rows=4, cols=4, dataflow="is", ifmap_sram_kib=1, filter_sram_kib=1, ofmap_sram_kib=1)
    assert dram_traffic(g4, cfg_is, simulate_compute(g4, cfg_is))[1] == 1600
    # SCALE-Sim's test_mnk_input.csv GEMM (256, 128, 256) on 32x32 OS, 64 KiB: the 64 KiB A matrix is
    # re-read for each of the 4 column folds: 262144 bytes, SCALE-Sim's "DRAM IFMAP Reads" too
    gemm = GemmLayer("Test 1", 256, 128, 256)
    cfg_os = AcceleratorConfig(rows=32, cols=32, dataflow="os")
    assert dram_traffic(gemm, cfg_os, simulate_compute(gemm, cfg_os))[0] == 262144


def test_partial_sums_spill_when_ofmap_tile_does_not_fit():
    # ws, Sr = K = 64 on 4 rows -> 16 row folds; T x C = 1000 x 4 bytes > 512 -> spill
    layer = GemmLayer("g", 1000, 4, 64)
    config = AcceleratorConfig(rows=4, cols=4, dataflow="ws", ofmap_sram_kib=1)
    _, _, writes, reads = dram_traffic(layer, config, simulate_compute(layer, config))
    assert (writes, reads) == (4000 * 16, 4000 * 15)
    roomy = config.with_overrides(ofmap_sram_kib=64)
    assert dram_traffic(layer, roomy, simulate_compute(layer, roomy))[2:] == (4000, 0)


def test_roofline_stalls():
    config = AcceleratorConfig(rows=4, cols=4, dataflow="os", clock_ghz=2.0, bandwidth_gbps=1.0)
    # 0.5 byte/cycle: 1000 bytes need 2000 cycles
    assert stall_cycles(1000, 1500, config) == (2000, 500)
    assert stall_cycles(1000, 2500, config) == (2000, 0)
    assert stall_cycles(10**9, 1, AcceleratorConfig()) == (0, 0)


def test_simulate_memory_totals_latency_energy():
    layer = ConvLayer("c1", 8, 8, 3, 3, 2, 4, 1)
    config = AcceleratorConfig(rows=4, cols=4, dataflow="os", clock_ghz=0.5, bandwidth_gbps=0.05)
    result = simulate_memory(layer, config)
    # DRAM: ifmap 128 + filter 72 + ofmap 144 = 344 bytes at 0.1 byte/cycle = 3440 cycles vs 215 compute
    assert result.dram_bytes == 344
    assert (result.memory_cycles, result.stall_cycles, result.cycles) == (3440, 3440 - 215, 3440)
    assert result.latency_s == 3440 / 0.5e9
    assert result.sram_bytes == 648 + 648 + 144
    assert result.mac_energy_j == 2592 * 0.23 * PJ
    assert result.dram_energy_j == 344 * 162.5 * PJ
    assert result.energy_j == result.mac_energy_j + result.sram_energy_j + result.dram_energy_j
    unlimited = simulate_memory(layer, replace(config, bandwidth_gbps=None))
    assert unlimited.stall_cycles == 0 and unlimited.cycles == 215


def test_word_size_scales_bytes_and_batch_scales_activations():
    layer = GemmLayer("g", 16, 16, 16)
    one = simulate_memory(layer, AcceleratorConfig(rows=8, cols=8, dataflow="ws"))
    two = simulate_memory(layer, AcceleratorConfig(rows=8, cols=8, dataflow="ws", word_size_bytes=2))
    assert two.dram_bytes == 2 * one.dram_bytes and two.sram_bytes == 2 * one.sram_bytes
    batch = simulate_memory(layer, AcceleratorConfig(rows=8, cols=8, dataflow="ws"), batch=4)
    assert batch.dram_ifmap_read_bytes == 4 * one.dram_ifmap_read_bytes
    assert batch.dram_filter_read_bytes == one.dram_filter_read_bytes
