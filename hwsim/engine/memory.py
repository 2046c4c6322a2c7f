"""SRAM and off-chip (DRAM) traffic, bandwidth stalls, latency and energy of one layer on one array.

Model (closed forms; element counts are multiplied by ``word_size_bytes`` for bytes):

SRAM accesses seen from the array — exactly SCALE-Sim v3.0.0's request counts
(``scalesim/compute/systolic_compute_{os,ws,is}.py`` ``ifmap_reads`` / ``filter_reads``, reported as
DETAILED_ACCESS_REPORT "SRAM IFMAP Reads" / "SRAM Filter Reads"), with (Sr, Sc, T), row folds fr and column
folds fc from :mod:`hwsim.engine.systolic`:

====  ================  ================  ===============  ===================
df    ifmap reads       filter reads      ofmap writes     ofmap reads
====  ================  ================  ===============  ===================
os    Sr·T·fc           Sc·T·fr           Sr·Sc            0
ws    T·Sr·fc           Sr·Sc             T·Sc·fr          T·Sc·(fr-1)
is    Sr·Sc             T·Sr·fc           T·Sc·fr          T·Sc·(fr-1)
====  ================  ================  ===============  ===================

(ws/is: every row fold writes partial sums, which the next row fold reads back to accumulate; SCALE-Sim
counts the writes but not the read-backs, and its os "ofmap writes" adds R+C per fold, a counting quirk.)

Off-chip traffic. Each SRAM is double-buffered (SCALE-Sim ``double_buffered_scratchpad``, active fraction
0.5), so an operand "fits" when its bytes ≤ half its SRAM. SCALE-Sim's fold loop is ``for fc: for fr:``.

* ifmap (touched elements × batch): read once if it fits; otherwise re-read once per column fold for os and
  ws (the inner row-fold loop streams all of it for every fc); is keeps it stationary: read once.
* filter: read once, except is, where the filter streams for every column fold: ×fc if it does not fit.
* ofmap: written once. For ws/is with fr > 1, if one column fold's partial sums (T × min(Sc, C)) do not fit
  in half the ofmap SRAM, they spill: written fr times and read back fr-1 times.

With everything fitting this equals SCALE-Sim's "DRAM IFMAP Reads" / "DRAM Filter Reads" (checked in the
tests); SCALE-Sim writes every ws/is partial sum to DRAM (T·Sc·fr), hwsim accumulates them on chip when they
fit. SCALE-Sim's prefetch-window refetches of an operand that does not fit are only approximated.

Bandwidth stalls (roofline). With ``bandwidth_gbps`` B set, the layer needs ``ceil(dram_bytes / (B/clock))``
memory cycles; stall cycles = max(0, memory cycles - compute cycles), i.e. perfect overlap of transfers and
compute over the whole layer (S. Williams et al., "Roofline", CACM 52(4), 2009). SCALE-Sim's USER mode instead
simulates each double-buffered prefetch with a fixed words/cycle bandwidth and stalls per demand line when
the active buffer is not ready, which also charges the initial buffer fill; hwsim's figure is a lower bound
on that. ``bandwidth_gbps=None`` (SCALE-Sim CALC mode): no stalls.

Energy: ``macs × mac_energy_pj + sram_bytes × sram_energy_pj_per_byte + dram_bytes × dram_energy_pj_per_byte``
(defaults from Horowitz, ISSCC 2014, see :class:`~hwsim.engine.config.AcceleratorConfig`), in joules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hwsim.engine.config import AcceleratorConfig
from hwsim.engine.systolic import ComputeResult, simulate_compute
from hwsim.engine.topology import ConvLayer, GemmLayer

PJ = 1e-12


@dataclass(frozen=True)
class MemoryResult:
    """Memory-side result of one layer on one array.

    SRAM counts are in elements (``sram_*``), traffic in bytes (``*_bytes``); ``memory_cycles`` is the
    roofline transfer time in cycles (0 when bandwidth is unlimited); ``stall_cycles`` ≥ 0;
    ``cycles`` = compute + stall; ``latency_s`` = cycles / clock; ``energy_j`` = MAC + SRAM + DRAM energy.
    """

    sram_ifmap_reads: int
    sram_filter_reads: int
    sram_ofmap_writes: int
    sram_ofmap_reads: int
    sram_bytes: int
    dram_ifmap_read_bytes: int
    dram_filter_read_bytes: int
    dram_ofmap_write_bytes: int
    dram_ofmap_read_bytes: int
    dram_bytes: int
    memory_cycles: int
    stall_cycles: int
    cycles: int
    latency_s: float
    mac_energy_j: float
    sram_energy_j: float
    dram_energy_j: float
    energy_j: float


def sram_accesses(compute: ComputeResult, dataflow: str) -> tuple[int, int, int, int]:
    """``(ifmap reads, filter reads, ofmap writes, ofmap reads)`` in elements (table in the module docstring).

    Raises ValueError on an unknown dataflow.
    """
    sr, sc, t, fr, fc = compute.sr, compute.sc, compute.t, compute.row_folds, compute.col_folds
    if dataflow == "os":
        return sr * t * fc, sc * t * fr, sr * sc, 0
    if dataflow == "ws":
        return t * sr * fc, sr * sc, t * sc * fr, t * sc * (fr - 1)
    if dataflow == "is":
        return sr * sc, t * sr * fc, t * sc * fr, t * sc * (fr - 1)
    raise ValueError(f"unknown dataflow {dataflow!r}")


def dram_traffic(
    layer: ConvLayer | GemmLayer, config: AcceleratorConfig, compute: ComputeResult, batch: int = 1
) -> tuple[int, int, int, int]:
    """``(ifmap read, filter read, ofmap write, ofmap read)`` off-chip bytes (model in the module docstring)."""
    word = config.word_size_bytes
    ifmap = layer.ifmap_elems * batch * word
    filt = layer.filter_elems * word
    ofmap = layer.ofmap_elems * batch * word
    df, fr, fc = config.dataflow, compute.row_folds, compute.col_folds

    def fits(nbytes: int, sram_kib: int) -> bool:
        return nbytes <= sram_kib * 1024 // 2

    ifmap_reads = ifmap if (df == "is" or fits(ifmap, config.ifmap_sram_kib)) else ifmap * fc
    filter_reads = filt if (df != "is" or fits(filt, config.filter_sram_kib)) else filt * fc
    ofmap_writes, ofmap_reads = ofmap, 0
    if df in ("ws", "is") and fr > 1:
        tile = compute.t * min(compute.sc, config.cols) * word
        if not fits(tile, config.ofmap_sram_kib):
            ofmap_writes, ofmap_reads = ofmap * fr, ofmap * (fr - 1)
    return ifmap_reads, filter_reads, ofmap_writes, ofmap_reads


def stall_cycles(dram_bytes: int, compute_cycles: int, config: AcceleratorConfig) -> tuple[int, int]:
    """Roofline ``(memory cycles, stall cycles)``; ``(0, 0)`` when ``config.bandwidth_gbps`` is None."""
    per_cycle = config.bytes_per_cycle
    if per_cycle is None:
        return 0, 0
    memory = math.ceil(dram_bytes / per_cycle)
    return memory, max(0, memory - compute_cycles)


def simulate_memory(
    layer: ConvLayer | GemmLayer, config: AcceleratorConfig, batch: int = 1, compute: ComputeResult | None = None
) -> MemoryResult:
    """SRAM/DRAM traffic, stalls, latency and energy of ``layer`` × ``batch`` on ``config``.

    ``compute`` may be passed to avoid recomputing :func:`~hwsim.engine.systolic.simulate_compute`.
    Raises ValueError on batch < 1.
    """
    if compute is None:
        compute = simulate_compute(layer, config, batch)
    word = config.word_size_bytes
    i_rd, f_rd, o_wr, o_rd = sram_accesses(compute, config.dataflow)
    sram_bytes = (i_rd + f_rd + o_wr + o_rd) * word
    d_i, d_f, d_ow, d_or = dram_traffic(layer, config, compute, batch)
    dram_bytes = d_i + d_f + d_ow + d_or
    memory, stall = stall_cycles(dram_bytes, compute.cycles, config)
    cycles = compute.cycles + stall
    mac_e = compute.macs * config.mac_energy_pj * PJ
    sram_e = sram_bytes * config.sram_energy_pj_per_byte * PJ
    dram_e = dram_bytes * config.dram_energy_pj_per_byte * PJ
    return MemoryResult(
        sram_ifmap_reads=i_rd,
        sram_filter_reads=f_rd,
        sram_ofmap_writes=o_wr,
        sram_ofmap_reads=o_rd,
        sram_bytes=sram_bytes,
        dram_ifmap_read_bytes=d_i,
        dram_filter_read_bytes=d_f,
        dram_ofmap_write_bytes=d_ow,
        dram_ofmap_read_bytes=d_or,
        dram_bytes=dram_bytes,
        memory_cycles=memory,
        stall_cycles=stall,
        cycles=cycles,
        latency_s=cycles / (config.clock_ghz * 1e9),
        mac_energy_j=mac_e,
        sram_energy_j=sram_e,
        dram_energy_j=dram_e,
        energy_j=mac_e + sram_e + dram_e,
    )
