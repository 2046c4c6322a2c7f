"""SRAM and off-chip (DRAM) traffic, bandwidth stalls, latency and energy of one layer on one array.

Everything follows SCALE-Sim v3.0.0 (``scalesim/memory/*.py``, ``scalesim/compute/systolic_compute_*.py``) and
is checked per layer against SCALE-Sim's own reports on a generated suite
(``tests/hwsim_engine/goldens/scalesim_suite/``: 66 layers × 3 dataflows × 1 KiB / 64 KiB SRAMs, CALC and
USER interface modes). Element counts are multiplied by ``word_size_bytes`` for bytes; (Sr, Sc, T), row folds
fr and column folds fc come from :mod:`hwsim.engine.systolic`; SCALE-Sim's fold loop is ``for fc: for fr:``.

SRAM accesses seen from the array — exactly SCALE-Sim's request counts (``systolic_compute_{os,ws,is}.py``
``ifmap_reads`` / ``filter_reads``, DETAILED_ACCESS_REPORT "SRAM IFMAP Reads" / "SRAM Filter Reads"):

====  ================  ================  ===============
df    ifmap reads       filter reads      ofmap writes
====  ================  ================  ===============
os    Sr·T·fc           Sc·T·fr           Sr·Sc
ws    T·Sr·fc           Sr·Sc             T·Sc·fr
is    Sr·Sc             T·Sr·fc           T·Sc·fr
====  ================  ================  ===============

(SCALE-Sim's os "SRAM OFMAP Writes" adds R+C per fold, a counting quirk hwsim does not copy.)

DRAM reads (SCALE-Sim's CALC-mode "DRAM IFMAP Reads" / "DRAM Filter Reads",
``read_buffer_estimate_bw.ReadBufferEstimateBw``). That buffer remembers every address it fetched since its
last flush and flushes after every ``K = 50·floor(E/100)`` fetches (E = SRAM size in elements; 500 for 1 KiB,
32,750 for 64 KiB; :func:`epoch_elems`): an address is fetched again only when a flush happened since its last
use. hwsim applies that rule to whole sweeps (:func:`cyclic_misses`) instead of address by address:

* ifmap, os and ws: the fr row folds of one column fold sweep all U touched ifmap elements (U =
  :attr:`~hwsim.engine.topology.ConvLayer.ifmap_elems`, windows clipped to the ifmap × batch); the sweep is
  repeated fc times: ``cyclic_misses(U, fc)`` — U once when U < K, fc·U when U ≥ K. Exact when no address is
  read twice in a sweep (GEMMs, convolutions with stride ≥ filter) or when U < K.
* ifmap, is: stationary, each fold loads its own block of the operand matrix; the touched ifmap is read once
  when it fits (U < K); otherwise the lower of U·⌈Sr·Sc/K⌉ and the clipped operand-matrix entries.
* ifmap of a convolution whose windows overlap (stride < filter) and whose ifmap does not fit (U ≥ K): whether
  a re-read is fetched again depends on where the flushes fall. The demand stream is replayed address by address
  in SCALE-Sim's order (:mod:`hwsim.engine.ifmap_stream`; equal to SCALE-Sim on every suite layer and on the
  large set) when one sweep has at most ``AUTO_EXACT_ENTRIES`` (20,000) entries, or ``MAX_EXACT_ENTRIES``
  (150,000) with ``exact=True``. Larger layers (every real ResNet-50 3×3 and conv1) take a sampled
  reuse-distance estimate (:mod:`hwsim.engine.ifmap_reuse`, ≈ 1 ms, cached per stream shape) — except os / ws
  ifmaps below ``NEAR_FIT`` (1.1) × K, which keep ``cyclic_misses(U, fc)`` (closer there). Default mode against
  SCALE-Sim on ``goldens/scalesim_large`` (7 overlapping ResNet-50 CALC cases): 5 within 2 %, res5 3×3 os
  +8.4 %, res4 3×3 is +15.1 %; against the exact replay on 55 whole ResNet-50 layer cases (DSE arrays,
  32 / 128 KiB; ``goldens/scalesim_large/resnet50_replay.txt``): 35 within 2 %, 42 within 5 %, from 0.90×
  to 1.31× (res5 3×3 on 16×16 os at 32 KiB; is at 128 KiB 1.30×; the other os cases 0.90×–1.10×). The
  per-sweep bounds used before under-counted those layers by up to 88 % (ws) and over-counted is layers up to
  11×. On the suite (where the default replays every layer) the estimate alone would be within 2 % on 15 of the
  36 cases it could apply to (worst 78 %): it is a mean-window model and misses the epochs' locking onto the
  fold structure of small layers (``tests/hwsim_engine/test_scalesim_default_mode.py``).
* filter, os: column fold j's block (T × its columns) is swept fr times in a row: chained
  ``cyclic_misses(block, fr)`` per column fold — read once when a block fits in an epoch, fr times when not.
* filter, ws: every fold loads its own disjoint block once: the filter once.
* filter, is: the fr row folds sweep the whole filter, repeated fc times: ``cyclic_misses(F, fc)``.

DRAM ofmap writes are SCALE-Sim's (``write_buffer``): every SRAM ofmap write goes out — os Sr·Sc (each output
once), ws/is T·Sc·fr (every row fold writes its partial sums). SCALE-Sim counts no read-back of those partial
sums, and neither does hwsim (``dram_ofmap_read_bytes`` = 0). Its write buffer also counts the -1 padding of a
partly filled line it flushes early (up to ``bw - 1`` words per drain; without it hwsim was 2.5 % low on one
suite layer); hwsim adds the mean, ``(bw - 1) / 2`` per drain (:func:`ofmap_padding`): within 1.4 % on every
suite case.

Bandwidth stalls (SCALE-Sim USER mode, ``read_buffer.read_buffer`` + ``double_buffered_scratchpad``). Each of
ifmap, filter and ofmap has its own DRAM channel: ``ifmap_bandwidth_gbps``, ``filter_bandwidth_gbps`` (both
default to ``bandwidth_gbps``) and ``bandwidth_gbps`` (ofmap) — SCALE-Sim's ``IfmapSRAMBankBandwidth``,
``FilterSRAMBankBandwidth`` and ``Bandwidth`` in words/cycle. SCALE-Sim's USER mode moves a window over each read
buffer's prefetch order, chains one DRAM prefetch of ``ceil(E/2 / bw) + 1`` cycles per move and stalls the array when a
request waits for one; hwsim replays that line by line (:mod:`hwsim.engine.user_mode`, with SCALE-Sim's quirks:
the ring-wrapping window — GEMM g16 (57, 5, 80) on 8×8 is at 1 KiB makes 414 ifmap prefetches where 8 would
cover the matrix once, 53,755 cycles against 2,159 of compute — and every positive stall counted twice,
``read_buffer.service_reads``), together with the ofmap write buffer's drains. Result on the suite: total cycles
within 0.8 % of SCALE-Sim's on all 198 1 KiB cases (``exact=True``) and equal on all 198 64 KiB ones. Beyond
``AUTO_SRAM_READS`` (100,000 ifmap + filter SRAM reads, ≲ 30 ms a layer; with ``exact=True``
``user_mode.MAX_SRAM_READS``, 500,000 — a ResNet-50 layer has millions) hwsim falls back to a closed form: it
counts the window moves per operand (:func:`prefetch_count`: passes over the operand
matrix × entries ÷ window) and takes the slowest of the compute (``C``) and each channel's back-to-back
prefetch time (``n·(P+1)``) plus the compute of the last window, ``max(C, max_op n_op·(P_op+1) + C/(n_op+1))``
— it ignores the ring wraps and doubled stalls, and on the suite is within 5 % on only 117 of the 198 1 KiB
cases (0.14× to 1.5× SCALE-Sim's cycles on the rest). In default mode (replay bound raised from 20,000 to
100,000 reads: 22 of the 198 1 KiB USER suite cases were more than 5 % off with 20,000) only c23 os / ws (124,080
and 154,000 reads) take it, 84 % and 21 % low; replaying a prefix of the folds and scaling was tried and is no
better (15 of those 34 large cases within 5 %), so a faithful USER figure for a large layer still needs
``exact=True`` (up to ``user_mode.MAX_SRAM_READS``) — not done for whole networks.
``bandwidth_gbps=None`` (SCALE-Sim CALC mode): no stalls. The DRAM byte counts are the CALC-mode ones in both
modes: SCALE-Sim's USER-mode "DRAM … Reads" count whole prefetch windows, re-fetches round the ring included
(suite layer c00 on 8×4 os: 192 ifmap reads in USER mode, 90 in CALC mode for a 90-element touched ifmap) — a
quirk of its prefetcher hwsim does not copy into the traffic and energy figures.

Energy: ``macs × mac_energy_pj + sram_bytes × sram_energy_pj_per_byte + dram_bytes × dram_energy_pj_per_byte``
(defaults from Horowitz, ISSCC 2014, see :class:`~hwsim.engine.config.AcceleratorConfig`), in joules.
A layer of zero cycles (a 1×1×1 layer on a 1×1 os array: SCALE-Sim reports 0 "Total Cycles") has
utilisation 0 and latency 0 s; nothing divides by its cycles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

from hwsim.engine import ifmap_reuse, user_mode
from hwsim.engine.config import AcceleratorConfig
from hwsim.engine.ifmap_reuse import estimate_ifmap_reads
from hwsim.engine.ifmap_stream import MAX_EXACT_ENTRIES, exact_ifmap_reads, stream_entries
from hwsim.engine.systolic import ComputeResult, simulate_compute
from hwsim.engine.topology import ConvLayer, GemmLayer

PJ = 1e-12
#: Replay bounds without ``exact=True``: ifmap-stream entries and ifmap + filter SRAM reads per layer.
AUTO_EXACT_ENTRIES = 20_000
AUTO_SRAM_READS = 100_000
#: os / ws ifmaps below ``NEAR_FIT`` × the flush period keep the per-sweep form (closer there than the estimate).
NEAR_FIT = 1.1


@dataclass(frozen=True)
class MemoryResult:
    """Memory-side result of one layer on one array.

    SRAM counts are in elements (``sram_*``), traffic in bytes (``*_bytes``); ``memory_cycles`` is the slowest
    DRAM channel's prefetch time in cycles (0 when bandwidth is unlimited); ``stall_cycles`` ≥ 0;
    ``cycles`` = compute + stall; ``latency_s`` = cycles / clock; ``energy_j`` = MAC + SRAM + DRAM energy.
    ``sram_ofmap_reads`` and ``dram_ofmap_read_bytes`` are 0 (SCALE-Sim counts no partial-sum read-backs).
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
        return t * sr * fc, sr * sc, t * sc * fr, 0
    if dataflow == "is":
        return sr * sc, t * sr * fc, t * sc * fr, 0
    raise ValueError(f"unknown dataflow {dataflow!r}")


def epoch_elems(sram_kib: int, word_size_bytes: int = 1) -> float:
    """Fetches between two flushes of SCALE-Sim's CALC-mode read buffer, ``50 · floor(E/100)`` for an SRAM of
    E elements (``read_buffer_estimate_bw.set_params``: 100 sets of ``floor(E/100)``, 50 active); ``inf``
    when E < 100 (SCALE-Sim then never completes a set, so it never forgets)."""
    per_set = (sram_kib * 1024 // word_size_bytes) // 100
    return math.inf if per_set == 0 else 50 * per_set


def cyclic_misses(w: int, passes: int, k: float, m: float = 0) -> tuple[int, float]:
    """Fetches of ``passes`` sweeps, always in the same order, over ``w`` distinct addresses, by a buffer that
    forgets everything after every ``k`` fetches and has made ``m`` fetches since its last flush.

    Returns ``(fetches, m_end)``. ``w ≥ k``: every sweep fetches all ``w`` (the oldest address is flushed
    before it is needed again). ``m + w < k``: only the first sweep fetches. Otherwise the first sweep flushes
    after ``k - m`` fetches and the second re-fetches those ``k - m``; after that everything stays.
    """
    if w <= 0 or passes <= 0:
        return 0, m
    if w >= k:
        total = w * passes
        return total, (m + total) % k
    if m + w < k:
        return w, m + w
    if passes == 1:
        return w, m + w - k
    return w + (k - m), w


def _blocks(w: int, n_full: int, w_last: int, passes: int, k: float) -> int:
    """Fetches of ``n_full`` disjoint blocks of ``w`` addresses and one of ``w_last``, each swept ``passes``
    times in a row (:func:`cyclic_misses` chained)."""
    if w >= k:
        total = w * n_full * passes
        return total + cyclic_misses(w_last, passes, k, total % k)[0]
    total, m = 0, 0
    for _ in range(n_full):
        fetched, m = cyclic_misses(w, passes, k, m)
        total += fetched
    return total + cyclic_misses(w_last, passes, k, m)[0]


def dram_traffic(
    layer: ConvLayer | GemmLayer,
    config: AcceleratorConfig,
    compute: ComputeResult,
    batch: int = 1,
    exact: bool = False,
) -> tuple[int, int, int, int]:
    """``(ifmap read, filter read, ofmap write, ofmap read)`` off-chip bytes (model in the module docstring);
    ``exact`` raises the replay bound from ``AUTO_EXACT_ENTRIES`` to ``MAX_EXACT_ENTRIES``."""
    word = config.word_size_bytes
    df, fr, fc = config.dataflow, compute.row_folds, compute.col_folds
    k_i = epoch_elems(config.ifmap_sram_kib, word)
    k_f = epoch_elems(config.filter_sram_kib, word)
    touched = layer.ifmap_elems * batch
    filt = layer.filter_elems
    if touched >= k_i and _overlapping(layer):
        if _replay(layer, df, config, batch, exact):
            ifmap = exact_ifmap_reads(layer, df, config.rows, config.cols, k_i, batch)
        elif df != "is" and touched < NEAR_FIT * k_i:
            ifmap = cyclic_misses(touched, fc, k_i)[0]
        else:
            ifmap = estimate_ifmap_reads(layer, df, config.rows, config.cols, k_i, batch)
    elif df == "is":
        if touched < k_i:
            ifmap = touched
        else:
            ifmap = min(layer.ifmap_window_elems * batch, touched * math.ceil(compute.sr * compute.sc / k_i))
    else:
        ifmap = cyclic_misses(touched, fc, k_i)[0]
    if df == "os":
        cols = config.cols
        n_full, last = divmod(compute.sc, cols)
        filt_reads = _blocks(compute.t * cols, n_full, compute.t * last, fr, k_f)
    elif df == "ws":
        filt_reads = filt
    else:
        filt_reads = cyclic_misses(filt, fc, k_f)[0]
    ofmap = compute.sr * compute.sc if df == "os" else compute.t * compute.sc * fr
    return ifmap * word, filt_reads * word, (ofmap + ofmap_padding(ofmap, config)) * word, 0


def ofmap_padding(writes: int, config: AcceleratorConfig) -> int:
    """Expected -1 padding SCALE-Sim's ``write_buffer`` counts as DRAM ofmap writes: each early drain (one per
    ``ceil(E/2)`` elements written, E = ofmap SRAM elements) flushes a partly filled line of ``bw`` words
    (``append_to_trace_mat(force=True)``) and counts its empty slots; hwsim adds the mean, ``(bw - 1) / 2``,
    per drain (``bw`` = the array width in CALC mode, the ofmap channel's words/cycle in USER mode)."""
    elems = config.ofmap_sram_kib * 1024 // config.word_size_bytes
    drains = max(0, (writes - 1) // math.ceil(elems / 2))
    bw = config.cols
    if config.bandwidth_gbps is not None:
        bw = max(1, round(config.bandwidth_gbps / config.clock_ghz / config.word_size_bytes))
    return drains * (bw - 1) // 2


def _replay(layer: ConvLayer | GemmLayer, dataflow: str, config: AcceleratorConfig, batch: int, exact: bool) -> bool:
    """Whether the ifmap reads are replayed exactly (:mod:`hwsim.engine.ifmap_stream`): a convolution whose
    windows overlap (stride < filter), with a demand stream of at most ``MAX_EXACT_ENTRIES`` entries (``exact``)
    or ``AUTO_EXACT_ENTRIES``."""
    if not _overlapping(layer):
        return False
    bound = MAX_EXACT_ENTRIES if exact else AUTO_EXACT_ENTRIES
    return stream_entries(layer, dataflow, config.rows, config.cols, batch) <= bound


def _overlapping(layer: ConvLayer | GemmLayer) -> bool:
    """A convolution whose windows overlap (stride < filter): some ifmap elements are read by several windows."""
    return isinstance(layer, ConvLayer) and layer.stride < max(layer.filter_h, layer.filter_w)


def _words_per_cycle(gbps: float | None, config: AcceleratorConfig) -> float | None:
    return None if gbps is None else gbps / config.clock_ghz / config.word_size_bytes


def prefetch_count(entries: int, passes: int, sram_kib: int, word_size_bytes: int = 1) -> int:
    """USER-mode prefetches of a read buffer: ``passes`` sweeps over ``entries`` valid operand-matrix entries,
    held in sets of ``ceil(E/100)``, a window of ``ceil(E/2)`` elements moving on by the other half
    (``read_buffer.prepare_hashed_buffer`` / ``new_prefetch``). 0 when the whole matrix fits the window."""
    elems = sram_kib * 1024 // word_size_bytes
    per_set = math.ceil(elems / 100)
    active = math.ceil(elems / 2)
    sets = math.ceil(entries / per_set)
    window = math.ceil(active / per_set)
    step = math.ceil((elems - active) / per_set)
    if sets <= window:
        return 0
    return max(0, math.ceil((sets * passes - window) / step))


def memory_cycles(
    layer: ConvLayer | GemmLayer,
    config: AcceleratorConfig,
    compute: ComputeResult,
    batch: int = 1,
    exact: bool = False,
) -> tuple[int, int]:
    """``(slowest channel's prefetch cycles, total cycles incl. stalls)`` in SCALE-Sim's USER mode
    (module docstring); ``(0, compute cycles)`` when ``config.bandwidth_gbps`` is None (CALC mode)."""
    cycles = compute.cycles
    if config.bandwidth_gbps is None:
        return 0, cycles
    df, fr, fc = config.dataflow, compute.row_folds, compute.col_folds
    word = config.word_size_bytes
    ifmap_entries = layer.ifmap_window_elems * batch
    filt = layer.filter_elems
    if df == "os":
        ifmap_passes = fc
        block = compute.t * min(config.cols, compute.sc)
        e_f = config.filter_sram_kib * 1024 // word
        # a column fold's block swept fr times: if it exceeds the window, each sweep wraps the whole matrix
        filt_passes = fr * fc if block > math.ceil(e_f / 2) else 1
    elif df == "ws":
        ifmap_passes, filt_passes = fc, 1
    else:
        ifmap_passes, filt_passes = 1, fc
    i_rd, f_rd = sram_accesses(compute, df)[:2]
    if i_rd + f_rd <= (user_mode.MAX_SRAM_READS if exact else AUTO_SRAM_READS):
        ifmap = (config.ifmap_sram_kib * 1024 // word, _words_per_cycle(config.ifmap_channel_gbps, config))
        filt = (config.filter_sram_kib * 1024 // word, _words_per_cycle(config.filter_channel_gbps, config))
        ofmap = (config.ofmap_sram_kib * 1024 // word, _words_per_cycle(config.bandwidth_gbps, config))
        memory, stall = user_mode.stall_cycles(layer, df, config.rows, config.cols, ifmap, filt, batch, ofmap)
        return memory, compute.cycles + stall
    worst = 0
    for entries, passes, kib, gbps in (
        (ifmap_entries, ifmap_passes, config.ifmap_sram_kib, config.ifmap_channel_gbps),
        (filt, filt_passes, config.filter_sram_kib, config.filter_channel_gbps),
    ):
        n = prefetch_count(entries, passes, kib, word)
        if n == 0:
            continue
        bw = _words_per_cycle(gbps, config)
        elems = kib * 1024 // word
        lines = math.ceil((elems - math.ceil(elems / 2)) / bw)
        chain = n * (lines + 1)
        worst = max(worst, chain)
        cycles = max(cycles, chain + compute.cycles // (n + 1))
    return worst, cycles


def stall_cycles(
    layer: ConvLayer | GemmLayer,
    config: AcceleratorConfig,
    compute: ComputeResult,
    batch: int = 1,
    exact: bool = False,
) -> tuple[int, int]:
    """``(memory cycles, stall cycles)`` of :func:`memory_cycles`; ``(0, 0)`` when bandwidth is unlimited."""
    memory, total = memory_cycles(layer, config, compute, batch, exact)
    return memory, total - compute.cycles


def simulate_memory(
    layer: ConvLayer | GemmLayer,
    config: AcceleratorConfig,
    batch: int = 1,
    compute: ComputeResult | None = None,
    exact: bool = False,
) -> MemoryResult:
    """SRAM/DRAM traffic, stalls, latency and energy of ``layer`` × ``batch`` on ``config``.

    ``compute`` may be passed to avoid recomputing :func:`~hwsim.engine.systolic.simulate_compute`. Results are
    cached per (layer shape, config, batch) — the layer's name plays no part — so the identical attention heads of
    a transformer are simulated once. ``exact=True`` replays SCALE-Sim's buffers up to the ``MAX_*`` bounds
    (what the SCALE-Sim suite checks; up to ~0.5 s for a layer near the bound); the default replays only up to
    the ``AUTO_*`` bounds, so a whole network stays in milliseconds. Raises ValueError on batch < 1.
    """
    if not isinstance(batch, int) or isinstance(batch, bool) or batch < 1:
        raise ValueError(f"batch must be a positive integer, got {batch!r}")
    return _simulate_memory(replace(layer, name=""), config, batch, exact)


def clear_caches() -> None:
    """Empty the per-layer caches (:func:`simulate_memory`'s and the ifmap estimate's): benchmarks time cold runs."""
    _simulate_memory.cache_clear()
    ifmap_reuse.clear_cache()


@lru_cache(maxsize=4096)
def _simulate_memory(layer: ConvLayer | GemmLayer, config: AcceleratorConfig, batch: int, exact: bool) -> MemoryResult:
    compute = simulate_compute(layer, config, batch)
    word = config.word_size_bytes
    i_rd, f_rd, o_wr, o_rd = sram_accesses(compute, config.dataflow)
    sram_bytes = (i_rd + f_rd + o_wr + o_rd) * word
    d_i, d_f, d_ow, d_or = dram_traffic(layer, config, compute, batch, exact)
    dram_bytes = d_i + d_f + d_ow + d_or
    memory, stall = stall_cycles(layer, config, compute, batch, exact)
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
