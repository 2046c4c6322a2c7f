"""Exact CALC-mode ifmap DRAM reads of a convolution whose windows overlap and whose ifmap does not fit.

SCALE-Sim v3.0.0's CALC-mode read buffer (``scalesim/memory/read_buffer_estimate_bw.py``) fetches an address
when it has not fetched it since its last flush, and flushes after every ``K`` fetches (:func:`hwsim.engine.
memory.epoch_elems`). When the windows of a convolution overlap (stride < filter) an ifmap element is read by
several windows, and whether the second read is fetched again depends on whether a flush fell in between —
no per-sweep closed form gets that right to 2 %. This module replays the ifmap demand stream in SCALE-Sim's
order and applies the rule address by address (pure Python, one dict look-up per operand-matrix entry):

* os (``systolic_compute_os.create_ifmap_demand_mat``): ``for fc: for fr:`` the fold's T × R block (column c =
  ofmap pixel ``fr·R + c``, row t = window element t) skewed (``skew_matrix``: line L holds ``(t = L - c, c)``
  for c = 0..R-1, read in that order);
* ws (``systolic_compute_ws``): the same with the roles swapped (column c = window element ``fr·R + c``, row t
  = ofmap pixel);
* is (``systolic_compute_is``): each fold's R × C block (window elements × pixels ``fc·C …``) flipped
  vertically, not skewed: the block's last window element first, each line left to right.

Operand-matrix entries past the ifmap are ``-1`` in SCALE-Sim (never fetched) and skipped here. The replay
builds one sweep's address list (about 0.2 µs per operand-matrix entry) and replays it per column fold with set
operations (a chunk in which no flush can fall is one set difference); :data:`MAX_EXACT_ENTRIES` bounds the
list (beyond it :mod:`hwsim.engine.memory` keeps its closed form).
"""

from __future__ import annotations

import math

from hwsim.engine.topology import ConvLayer

#: Largest sweep (operand-matrix entries) replayed with ``exact=True`` (without it: ``memory.AUTO_EXACT_ENTRIES``).
#: The suite's largest is 123,200 entries (replayed in about 25 ms); the built-in portal workloads' overlapping
#: layers are larger (ResNet-50 res5 3×3: 225,792; conv1: 1,843,968), so a whole-network simulation does not
#: replay them: it takes the sampled estimate of :mod:`hwsim.engine.ifmap_reuse` (figures in
#: :mod:`hwsim.engine.memory`).
MAX_EXACT_ENTRIES = 150_000


def _operand_tables(layer: ConvLayer, batch: int) -> tuple[list[int], ...]:
    """Per ofmap pixel ``(base address, first row, first column)`` and per window element ``(offset, row,
    column)`` so that entry (p, w) reads ``base[p] + off[w]`` when ``row0[p] + wr[w] < H`` and
    ``col0[p] + wc[w] < W`` (SCALE-Sim ``operand_matrix.calc_ifmap_elem_addr``)."""
    h, w, ch, s = layer.ifmap_h, layer.ifmap_w, layer.channels, layer.stride
    ew = layer.ofmap_w
    base, row0, col0 = [], [], []
    for b in range(batch):
        for p in range(layer.ofmap_pixels):
            oy, ox = divmod(p, ew)
            base.append(b * h * w * ch + (oy * s * w + ox * s) * ch)
            row0.append(oy * s - h)  # entry valid when row0 + wr < 0
            col0.append(ox * s - w)
    off, wr, wc = [], [], []
    for k in range(layer.window_size):
        i, rem = divmod(k, layer.filter_w * ch)
        j, c = divmod(rem, ch)
        off.append((i * w + j) * ch + c)
        wr.append(i)
        wc.append(j)
    return base, row0, col0, off, wr, wc


def stream_entries(layer: ConvLayer, dataflow: str, rows: int, cols: int, batch: int = 1) -> int:
    """Operand-matrix entries of one sweep, the sequence the replay builds (its cost; os/ws sweeps are then
    replayed once per column fold with set operations)."""
    return layer.ofmap_pixels * batch * layer.window_size


def _address_table(layer: ConvLayer, batch: int) -> list[list[int]]:
    """``table[p][q]``: the ifmap address entry (pixel p, window element q) reads, ``-1`` past the ifmap."""
    base, row0, col0, off, wr, wc = _operand_tables(layer, batch)
    win = list(zip(off, wr, wc))
    return [[b + o if r + i < 0 and c + j < 0 else -1 for o, i, j in win] for b, r, c in zip(base, row0, col0)]


def demand_sequence(layer: ConvLayer, dataflow: str, rows: int, cols: int, batch: int = 1) -> list[int]:
    """The ifmap addresses in SCALE-Sim's demand order (``-1`` dropped): one sweep over the row folds for os
    and ws (repeated once per column fold), the whole stream for is (module docstring)."""
    table = _address_table(layer, batch)
    px, win = len(table), layer.window_size
    seq: list[int] = []
    if dataflow == "is":
        for pc in range(0, px, cols):
            block = table[pc : pc + cols]
            for wf in range(0, win, rows):
                for q in range(min(wf + rows, win) - 1, wf - 1, -1):
                    seq.extend(row[q] for row in block)
    else:
        n_rows, n_cols = (win, px) if dataflow == "os" else (px, win)
        for c0 in range(0, n_cols, rows):
            width = min(rows, n_cols - c0)
            if dataflow == "os":  # column c = pixel c0 + c, row t = window element
                cells = [table[c0 + c] for c in range(width)]
            else:  # column c = window element c0 + c, row t = pixel
                cells = [[row[c0 + c] for row in table] for c in range(width)]
            for line in range(n_rows + width - 1):
                seq.extend(cells[c][line - c] for c in range(max(0, line - n_rows + 1), min(width, line + 1)))
    return [a for a in seq if a >= 0]


def fetches(seq: list[int], passes: int, k: float, chunk: int = 512) -> int:
    """Fetches of ``passes`` replays of ``seq`` by a buffer that forgets everything after every ``k`` fetches.

    Chunks in which no flush can fall are handled with set operations; the others address by address."""
    cache: set[int] = set()
    m = total = 0
    for _ in range(passes):
        for start in range(0, len(seq), chunk):
            part = seq[start : start + chunk]
            new = set(part)
            new.difference_update(cache)
            if m + len(new) < k:
                cache |= new
                m += len(new)
                total += len(new)
                continue
            for a in part:
                if a not in cache:
                    cache.add(a)
                    m += 1
                    total += 1
                    if m == k:
                        cache = set()
                        m = 0
    return total


def exact_ifmap_reads(layer: ConvLayer, dataflow: str, rows: int, cols: int, k: float, batch: int = 1) -> int:
    """Ifmap DRAM reads (elements) of SCALE-Sim's CALC-mode buffer flushing every ``k`` fetches, replayed in
    ``dataflow``'s demand order on an R×C = ``rows``×``cols`` array (module docstring)."""
    seq = demand_sequence(layer, dataflow, rows, cols, batch)
    passes = 1 if dataflow == "is" else math.ceil(layer.num_filters / cols)
    return fetches(seq, passes, k)
