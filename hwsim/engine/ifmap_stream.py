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
costs about 0.2 µs per entry; :data:`MAX_EXACT_ENTRIES` bounds it (beyond it :mod:`hwsim.engine.memory` keeps
its closed form).
"""

from __future__ import annotations

import math

from hwsim.engine.topology import ConvLayer

#: Largest demand stream (operand-matrix entries over all folds) replayed exactly.
MAX_EXACT_ENTRIES = 3_000_000


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
    """Operand-matrix entries the ifmap demand stream visits over all folds (the replay's cost)."""
    px, win = layer.ofmap_pixels * batch, layer.window_size
    if dataflow == "os":
        return px * win * math.ceil(layer.num_filters / cols)
    if dataflow == "ws":
        return px * win * math.ceil(layer.num_filters / cols)
    return px * win


def exact_ifmap_reads(layer: ConvLayer, dataflow: str, rows: int, cols: int, k: float, batch: int = 1) -> int:
    """Ifmap DRAM reads (elements) of SCALE-Sim's CALC-mode buffer flushing every ``k`` fetches, replayed in
    ``dataflow``'s demand order on an R×C = ``rows``×``cols`` array (module docstring)."""
    base, row0, col0, off, wr, wc = _operand_tables(layer, batch)
    px, win = len(base), len(off)
    seen: dict[int, int] = {}
    get = seen.get
    epoch = 0
    m = 0
    limit = k if k != math.inf else -1

    def visit(p: int, q: int) -> None:
        nonlocal epoch, m
        if row0[p] + wr[q] >= 0 or col0[p] + wc[q] >= 0:
            return
        a = base[p] + off[q]
        if get(a) != epoch:
            seen[a] = epoch
            m += 1
            if m == limit:
                epoch += 1
                m = 0

    if dataflow == "is":
        for pc in range(0, px, cols):
            pixels = range(pc, min(pc + cols, px))
            for wf in range(0, win, rows):
                for q in range(min(wf + rows, win) - 1, wf - 1, -1):
                    for p in pixels:
                        visit(p, q)
        return _misses(seen, epoch, m, k)
    folds_c = math.ceil(layer.num_filters / cols)
    if dataflow == "os":
        n_rows, n_cols = win, px  # skewed block: t over window elements, c over pixels

        def entry(c: int, t: int) -> None:
            visit(c, t)
    else:
        n_rows, n_cols = px, win

        def entry(c: int, t: int) -> None:
            visit(t, c)

    for _ in range(folds_c):
        for c0 in range(0, n_cols, rows):
            width = min(rows, n_cols - c0)
            for line in range(n_rows + width - 1):
                for c in range(max(0, line - n_rows + 1), min(width, line + 1)):
                    entry(c0 + c, line - c)
    return _misses(seen, epoch, m, k)


def _misses(seen: dict[int, int], epoch: int, m: int, k: float) -> int:
    return m if epoch == 0 else int(epoch * k + m)
