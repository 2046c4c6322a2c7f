"""SRAM/DRAM traffic, roofline stalls, latency and energy (hwsim.engine.memory).

SCALE-Sim goldens: tests/hwsim_engine/goldens/scalesim_v3_compute.json (DETAILED_ACCESS_REPORT.csv columns of
SCALE-Sim v3.0.0, produced by goldens/make_scalesim_goldens.py); the larger suite is checked in
test_scalesim_suite.py.
"""

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest

from hwsim.engine.config import AcceleratorConfig
from hwsim.engine.memory import (
    PJ,
    cyclic_misses,
    dram_traffic,
    epoch_elems,
    prefetch_count,
    simulate_memory,
    sram_accesses,
    stall_cycles,
)
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


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_dram_traffic_within_2_percent_of_scalesim(case):
    # golden: SCALE-Sim DETAILED_ACCESS_REPORT "DRAM IFMAP Reads" / "DRAM Filter Reads" / "DRAM OFMAP Writes"
    # (CALC mode, 1-byte words) for every case, also those whose operands do not fit (4x4 with 1 KiB SRAMs)
    config = _config(case)
    layer = _layer(case)
    ifmap, filt, ofmap_w, ofmap_r = dram_traffic(layer, config, simulate_compute(layer, config), exact=True)
    assert (ifmap, filt) == (case["dram_ifmap_reads"], case["dram_filter_reads"])
    assert abs(ofmap_w - case["dram_ofmap_writes"]) <= 0.02 * case["dram_ofmap_writes"]
    assert ofmap_r == 0  # SCALE-Sim counts no partial-sum read-backs


def test_refetch_when_operand_does_not_fit():
    # c5 on a 4x4 OS array with 1 KiB SRAMs: the 576-element ifmap exceeds the 500 fetches between two flushes
    # of SCALE-Sim's CALC buffer (50 x floor(1024/100)), so it is streamed once per column fold (ceil(20/4) = 5):
    # 2880 bytes, SCALE-Sim's "DRAM IFMAP Reads" too
    layer = ConvLayer("c5", 6, 6, 1, 1, 16, 20, 1)
    config = AcceleratorConfig(rows=4, cols=4, dataflow="os", ifmap_sram_kib=1, filter_sram_kib=1, ofmap_sram_kib=1)
    assert epoch_elems(1) == 500 and epoch_elems(64) == 32750 and epoch_elems(1, word_size_bytes=16) == math.inf
    assert dram_traffic(layer, config, simulate_compute(layer, config))[0] == 2880
    # is: the filter streams per column fold instead (g4: 800 bytes x ceil(5/4) = 1600, as SCALE-Sim)
    g4 = GemmLayer("g4", 5, 40, 20)
    cfg_is = AcceleratorConfig(rows=4, cols=4, dataflow="is", ifmap_sram_kib=1, filter_sram_kib=1, ofmap_sram_kib=1)
    assert dram_traffic(g4, cfg_is, simulate_compute(g4, cfg_is))[1] == 1600
    # os: the filter is re-fetched for every row fold when a column fold's block (T x C = 2304 x 32) exceeds an
    # epoch: SCALE-Sim's test_mnk_input.csv-like GEMM (1024, 32, 2304) on 32x32 OS, 64 KiB: 73728 x 32 folds
    gemm = GemmLayer("g", 1024, 32, 2304)
    cfg_os = AcceleratorConfig(rows=32, cols=32, dataflow="os")
    assert dram_traffic(gemm, cfg_os, simulate_compute(gemm, cfg_os))[1] == 73728 * 32


def test_cyclic_misses():
    # 300 addresses swept 4 times by a buffer flushing every 500 fetches, 0/150/250 fetches into the epoch
    assert cyclic_misses(300, 4, 500) == (300, 300)
    assert cyclic_misses(300, 4, 500, 150) == (300, 450)
    assert cyclic_misses(300, 4, 500, 250) == (300 + 250, 300)  # flush after 250, the 250 re-fetched once
    assert cyclic_misses(300, 1, 500, 250) == (300, 50)
    assert cyclic_misses(600, 3, 500) == (1800, 300)  # larger than an epoch: every sweep fetches all
    assert cyclic_misses(0, 3, 500, 7) == (0, 7)


def test_ifmap_reads_clipped_on_strided_layers():
    # issue 12 A.1: windows hanging off the ifmap are not fetched (SCALE-Sim operand_matrix marks them -1)
    layer = ConvLayer("a", 6, 3, 1, 1, 16, 1, 4)
    assert layer.ifmap_elems == 32 and layer.ifmap_window_elems == 32
    assert ConvLayer("b", 14, 14, 4, 2, 2, 1, 5).ifmap_elems == 144
    for df in ("os", "ws", "is"):
        config = AcceleratorConfig(rows=4, cols=4, dataflow=df)
        assert dram_traffic(layer, config, simulate_compute(layer, config))[0] == 32


def test_partial_sums_written_every_row_fold():
    # ws, Sr = K = 64 on 4 rows -> 16 row folds: SCALE-Sim writes T x Sc = 4000 partial sums per row fold
    # (T x Sc x fr = 64000) and counts no read-back; its 1 KiB write buffer also counts the padding of the
    # line it flushes early at each of the 124 drains (mean (4 - 1) / 2 words each: 186)
    layer = GemmLayer("g", 1000, 4, 64)
    config = AcceleratorConfig(rows=4, cols=4, dataflow="ws", ofmap_sram_kib=1)
    _, _, writes, reads = dram_traffic(layer, config, simulate_compute(layer, config))
    assert (writes, reads) == (64000 + 186, 0)
    roomy = config.with_overrides(ofmap_sram_kib=64)
    assert dram_traffic(layer, roomy, simulate_compute(layer, roomy))[2:] == (64000 + 1, 0)


def test_user_mode_stalls():
    layer = GemmLayer("g", 64, 64, 64)
    calc = AcceleratorConfig(rows=8, cols=8, dataflow="os", ifmap_sram_kib=1, filter_sram_kib=1, ofmap_sram_kib=1)
    compute = simulate_compute(layer, calc)
    assert stall_cycles(layer, calc, compute) == (0, 0)  # CALC mode: no stalls
    # a 4-words/cycle ifmap channel: every prefetch of the 1 KiB buffer's other half takes 512 / 4 + 1 cycles
    slow = calc.with_overrides(bandwidth_gbps=64.0, ifmap_bandwidth_gbps=4.0, filter_bandwidth_gbps=64.0)
    memory, stall = stall_cycles(layer, slow, compute, exact=True)
    assert memory % 129 == 0 and memory > compute.cycles and stall >= memory - compute.cycles
    assert stall_cycles(layer, calc.with_overrides(bandwidth_gbps=1e6), compute, exact=True)[1] == 0
    # without exact=True a 131,072-read layer is beyond memory.AUTO_SRAM_READS: the closed form
    tall = GemmLayer("tall", 128, 64, 64)
    assert stall_cycles(tall, slow, simulate_compute(tall, slow))[0] == prefetch_count(8192, 8, 1) * 129
    roomy = AcceleratorConfig(rows=8, cols=8, dataflow="os", bandwidth_gbps=1.0)  # 64 KiB: nothing to prefetch
    assert stall_cycles(layer, roomy, simulate_compute(layer, roomy)) == (0, 0)


def test_user_mode_closed_form_beyond_the_replay_bound():
    # 4096 A entries in sets of 11 = 373 sets, window 47, step 47 sets; 8 column folds: ceil((8 x 373 - 47) / 47)
    # = 63 prefetches of ceil(512 / 4) = 128 lines + 1 cycle on a 4-words/cycle ifmap channel
    assert prefetch_count(4096, 8, 1) == 63
    big = GemmLayer("big", 512, 512, 512)  # 2 x 512^3 / 8 SRAM reads: far beyond user_mode.MAX_SRAM_READS
    config = AcceleratorConfig(
        rows=8, cols=8, dataflow="os", ifmap_sram_kib=1, filter_sram_kib=1, ofmap_sram_kib=1, bandwidth_gbps=4.0
    )
    compute = simulate_compute(big, config)
    memory, stall = stall_cycles(big, config, compute)
    n_i, n_f = prefetch_count(512 * 512, 64, 1), prefetch_count(512 * 512, 64 * 64, 1)
    assert memory == max(n_i, n_f) * 129
    assert (
        stall
        == max(compute.cycles, n_i * 129 + compute.cycles // (n_i + 1), n_f * 129 + compute.cycles // (n_f + 1))
        - compute.cycles
    )


def test_simulate_memory_totals_latency_energy():
    layer = ConvLayer("c1", 8, 8, 3, 3, 2, 4, 1)
    config = AcceleratorConfig(rows=4, cols=4, dataflow="os", clock_ghz=0.5, bandwidth_gbps=0.05)
    result = simulate_memory(layer, config)
    # DRAM: ifmap 128 + filter 72 + ofmap 144 = 344 bytes (SCALE-Sim's counts for c1); everything fits the
    # 64 KiB SRAMs' first fill, so SCALE-Sim's USER mode never prefetches again: no stalls
    assert result.dram_bytes == 344
    assert (result.memory_cycles, result.stall_cycles, result.cycles) == (0, 0, 215)
    assert result.latency_s == 215 / 0.5e9
    assert result.sram_bytes == 648 + 648 + 144
    assert result.mac_energy_j == 2592 * 0.23 * PJ
    assert result.dram_energy_j == 344 * 162.5 * PJ
    assert result.energy_j == result.mac_energy_j + result.sram_energy_j + result.dram_energy_j
    unlimited = simulate_memory(layer, replace(config, bandwidth_gbps=None))
    assert unlimited.stall_cycles == 0 and unlimited.cycles == 215


def test_zero_cycle_layer_is_sane():
    # issue 12 A.2: a 1x1x1 layer on a 1x1 os array takes R + C + T - 2 - 1 = 0 cycles (SCALE-Sim's closed
    # form); nothing divides by it
    config = AcceleratorConfig(rows=1, cols=1, dataflow="os", bandwidth_gbps=1.0)
    for layer in (GemmLayer("g", 1, 1, 1), ConvLayer("c", 1, 1, 1, 1, 1, 1, 1)):
        result = simulate_memory(layer, config)
        assert (result.cycles, result.latency_s) == (0, 0.0)
        assert simulate_compute(layer, config).utilization == 0.0


def test_word_size_scales_bytes_and_batch_scales_activations():
    layer = GemmLayer("g", 16, 16, 16)
    one = simulate_memory(layer, AcceleratorConfig(rows=8, cols=8, dataflow="ws"))
    two = simulate_memory(layer, AcceleratorConfig(rows=8, cols=8, dataflow="ws", word_size_bytes=2))
    assert two.dram_bytes == 2 * one.dram_bytes and two.sram_bytes == 2 * one.sram_bytes
    batch = simulate_memory(layer, AcceleratorConfig(rows=8, cols=8, dataflow="ws"), batch=4)
    assert batch.dram_ifmap_read_bytes == 4 * one.dram_ifmap_read_bytes
    assert batch.dram_filter_read_bytes == one.dram_filter_read_bytes
