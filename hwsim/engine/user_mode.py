"""SCALE-Sim USER-mode stall cycles, replayed demand line by demand line.

SCALE-Sim v3.0.0's USER-mode read buffer (``scalesim/memory/read_buffer.py``) splits its operand's prefetch
matrix (``systolic_compute_*.create_*_prefetch_mat``, ``-1`` skipped) into sets of ``e = ceil(E/100)``
entries (E = SRAM elements; ``prepare_hashed_buffer``: ``floor(valid/e) + 1`` sets on a ring). Its active
window is ``A = min(ceil(ceil(E/2)/e), n)`` sets; each time the array asks for an address in no set of the
window, ``new_prefetch`` moves the window on by ``P = min(ceil((E - ceil(E/2))/e), n - A)`` sets (round the
ring) and chains a DRAM request of ``ceil((E - ceil(E/2))/bw)`` lines that completes that many + 1 cycles after
the previous one (``last_prefetch_cycle``; the first fill completes at cycle 1). The request at cycle ``c``
then stalls: ``potential = last - (c + offset)``, ``offset += potential`` and once more if it is positive
(``service_reads``). A line's stall is the largest operand's ``offset - 1``
(``double_buffered_scratchpad.service_memory_requests``); later lines start that much later.

This module rebuilds both the prefetch matrices and the demand matrices of SCALE-Sim (``create_*_prefetch_mat``
/ ``create_*_demand_mat`` of ``systolic_compute_os/ws/is.py``: fold order ``for fc: for fr:``; skewed blocks,
the anti-diagonal order of the skewed prefetch matrices, the row flips of the ws filter and is ifmap blocks,
the gap lines) and replays the window and the stalls as above, together with the ofmap ``write_buffer``
(:class:`_WriteBuffer`, simulated when the array can write more during one drain than the buffer holds, i.e.
``cols · ceil(half / bw) ≥ E - 1``). Folds whose whole block lies in the window are skipped, and lines whose
entries' first sets all lie in it cost O(1). On the suite's 198 1 KiB USER cases the total cycles are within
0.8 % of SCALE-Sim's. An address is looked up in every set holding it, as SCALE-Sim does. Cost: a few
µs per fold plus about 0.3 µs per SRAM read of the folds that can miss; :data:`MAX_SRAM_READS` bounds it
(beyond it :mod:`hwsim.engine.memory` keeps its closed form). The 64 KiB case where both prefetch matrices fit
the first fill returns no stalls without building anything (SCALE-Sim: 0 stall cycles on every such suite case).
"""

from __future__ import annotations

import math

from hwsim.engine.ifmap_stream import _address_table
from hwsim.engine.topology import ConvLayer, GemmLayer

#: Largest ifmap + filter SRAM read count replayed (the suite's largest is 403,200).
MAX_SRAM_READS = 500_000


def _matrices(
    layer: ConvLayer | GemmLayer, batch: int, need_ifmap: bool = True, need_filter: bool = True
) -> tuple[list[list[int]], list[list[int]]]:
    """Ifmap operand matrix (pixels × window, ``-1`` past the ifmap) and filter matrix (window × filters); an
    operand not needed is ``[]``."""
    ifmap: list[list[int]] = []
    if need_ifmap and isinstance(layer, ConvLayer):
        ifmap = _address_table(layer, batch)
    elif need_ifmap:
        k = layer.k
        ifmap = [list(range(p * k, p * k + k)) for p in range(layer.m * batch)]
    nf = layer.num_filters
    filt = [list(range(q * nf, q * nf + nf)) for q in range(layer.window_size)] if need_filter else []
    return ifmap, filt


def _pad(row: list[int], width: int) -> list[int]:
    return row + [-1] * (width - len(row))


def _skew(block: list[list[int]], lines: int, first: int) -> list[list[int]]:
    """``lines`` demand lines of a T × W block skewed over its W columns, starting at line ``first``."""
    t, w = len(block), len(block[0]) if block else 0
    out = []
    for line in range(lines):
        k = line - first
        out.append([block[k - c][c] for c in range(max(0, k - t + 1), min(w, k + 1)) if block[k - c][c] >= 0])
    return out


def _flipped(block: list[list[int]], rows: int, lines: int) -> list[list[int]]:
    """Demand lines of an R-row block read last row first (``np.flip``), padding rows first, then gaps."""
    out = [[] for _ in range(rows - len(block))]
    out += [[a for a in row if a >= 0] for row in reversed(block)]
    return out + [[] for _ in range(lines - rows)]


class _Operand:
    """One operand: its prefetch order (rows of the prefetch matrix with the fold block each belongs to), its
    read buffer (sets, active window, prefetch chain) and its demand lines per fold block (built lazily)."""

    def __init__(self, rows_list, keys, diagonal: bool, lines_of, elems: int, bw: float) -> None:
        e = math.ceil(elems / 100)
        m = len(rows_list)
        n_cols = len(rows_list[0]) if m else 0
        if diagonal:  # anti-diagonal d holds (r, d - r), r from high to low: columns ascending
            groups = [
                [a for c in range(max(0, d - m + 1), min(d, n_cols - 1) + 1) if (a := rows_list[d - c][c]) >= 0]
                for d in range(m + n_cols - 1)
            ]
        else:
            groups = [[a for a in row if a >= 0] for row in rows_list]
        prefix = [0]
        for g in groups:
            prefix.append(prefix[-1] + len(g))
        order = [a for g in groups for a in g]
        # each fold block's span of sets: rows r0..r1 of a block lie in groups r0 .. r1 (+ n_cols - 1 on the
        # anti-diagonals); a wider span only costs work (its folds are replayed line by line), never accuracy
        bounds: dict = {}
        for r, k in enumerate(keys):
            if k in bounds:
                bounds[k][1] = r
            else:
                bounds[k] = [r, r]
        reach = n_cols - 1 if diagonal else 0
        span: dict = {}
        for k, (r0, r1) in bounds.items():
            lo, hi = prefix[r0], prefix[min(r1 + reach, len(groups) - 1) + 1] - 1
            if hi >= lo:
                span[k] = (lo // e, hi // e)
        self.span = span
        self.n = len(order) // e + 1
        self.active = min(math.ceil(math.ceil(elems / 2) / e), self.n)
        self.step = min(math.ceil((elems - math.ceil(elems / 2)) / e), self.n - self.active)
        self.order, self.e = order, e
        self.where: dict[int, list[int]] | None = None
        self.lines_of, self.cache = lines_of, {}
        self.start = 0
        self.cost = math.ceil((elems - math.ceil(elems / 2)) / bw) + 1
        self.last = 1
        self.prefetches = 0

    def inside(self, key) -> bool:
        """Whether the whole fold block ``key`` lies in the active window (then no request can miss)."""
        if self.step <= 0 or key not in self.span:
            return True
        lo, hi = self.span[key]
        return (lo - self.start) % self.n + hi - lo < self.active

    def lines(self, key):
        if key not in self.cache:
            if self.where is None:
                e, order = self.e, self.order
                # first set of every address (the smallest position wins); other sets only for repeated addresses
                first = {a: i // e for i, a in reversed(list(enumerate(order)))}
                more: dict[int, list[int]] = {}
                if len(first) < len(order):
                    seen: dict[int, int] = {}
                    for pos, a in enumerate(order):
                        s = pos // e
                        if a in seen and seen[a] != s:
                            more.setdefault(a, [first[a]]).append(s)
                        seen[a] = s
                self.first, self.where = first, more
            get = self.first.__getitem__
            lines = self.lines_of(key)
            spans = []
            for line in lines:
                if line:
                    firsts = list(map(get, line))
                    spans.append((min(firsts), max(firsts)))
                else:
                    spans.append(None)
            self.cache[key] = (lines, spans)
        return self.cache[key]

    def serve(self, line: list[int], span, cycle: int) -> int:
        """Stall (``offset - 1``) of one demand line requested at ``cycle``."""
        if span is None:
            return 0
        n, active = self.n, self.active
        lo, hi = span
        if (lo - self.start) % n + hi - lo < active:  # every entry's first set inside the window: all hits
            return 0
        offset = 1
        first, more = self.first, self.where
        step, cost = self.step, self.cost
        for a in line:
            s0 = first[a]
            if (s0 - self.start) % n < active:
                continue
            sets = more.get(a)
            guard = n + 1
            while guard:
                start = self.start
                if sets is None:
                    if (s0 - start) % n < active:
                        break
                elif any((s - start) % n < active for s in sets):
                    break
                guard -= 1
                self.start = (start + step) % n
                self.prefetches += 1
                self.last += cost
                pot = self.last - (cycle + offset)
                offset += pot
                if pot > 0:
                    offset += pot
        return offset - 1


class _WriteBuffer:
    """SCALE-Sim's ofmap ``write_buffer``: lines of ``bw`` words; when more than half is full and no drain is
    running it flushes the partly filled line and drains ``ceil(half / bw)`` lines (their space counted free at
    once, the drain ending that many cycles - 1 later, ``write_port`` latency 0); a write finding no space while
    a drain runs waits for its end (``service_writes``)."""

    def __init__(self, elems: int, bw: int) -> None:
        self.total, self.bw = elems, bw
        self.drain_size = elems - math.ceil(elems / 2)
        self.threshold = elems - self.drain_size
        self.drain_lines = math.ceil(self.drain_size / bw)
        self.free, self.fill = elems, 0
        self.queue: list[int] = []  # valid words of the lines waiting to drain, oldest first
        self.head = 0
        self.drain_end = 0

    def _store(self, k: int) -> None:
        self.free -= k
        total = self.fill + k
        full, self.fill = divmod(total, self.bw)
        self.queue.extend([self.bw] * full)

    def _drain(self, start: int) -> int:
        if self.fill:
            self.queue.append(self.fill)
            self.fill = 0
        lines = self.queue[self.head : self.head + self.drain_lines]
        self.head += len(lines)
        if not lines:
            return start
        self.free += (len(lines) - 1) * self.bw + lines[-1]
        return start + len(lines) - 1

    def serve(self, count: int, cycle: int) -> int:
        """Stall of one demand line writing ``count`` elements at ``cycle``."""
        cur = cycle
        while count > 0:
            if cur < self.drain_end:
                k = min(count, self.free) if self.free > 0 else 1
                self._store(k)
                count -= k
                if self.free <= 0 and cur < self.drain_end:
                    cur = self.drain_end
            else:
                k = min(count, self.free - self.threshold + 1) if self.free >= self.threshold else 1
                self._store(k)
                count -= k
                if self.free < self.threshold:
                    self.drain_end = self._drain(cur)
        return cur - cycle


def _ofmap_counts(dataflow: str, rows: int, cols: int, t: int, width: int, height: int, lines: int) -> list[int]:
    """Ofmap words written per demand line of one fold (``create_ofmap_demand_mat``): os — the fold's
    ``height`` × ``width`` outputs, rows flipped, after a T - 1 gap, skewed over the columns; ws / is — T rows of
    ``width`` partial sums after a 2R - 1 gap, skewed."""
    out = []
    if dataflow == "os":
        first, n_rows = t - 1, rows
        valid_row = range(rows - height, rows)  # flipped: the padding rows come first
    else:
        first, n_rows = 2 * rows - 1, t
        valid_row = range(0, t)
    lo_v, hi_v = valid_row.start, valid_row.stop
    for line in range(lines):
        k = line - first
        c_lo, c_hi = max(0, k - n_rows + 1), min(width, k + 1)
        # rows k - c for c in [c_lo, c_hi) that are valid: k - c in [lo_v, hi_v)
        a, b = max(c_lo, k - hi_v + 1), min(c_hi, k - lo_v + 1)
        out.append(max(0, b - a))
    return out


def fits_window(entries: int, elems: int) -> bool:
    """Whether all ``entries`` of a prefetch matrix sit in the first window of a buffer of ``elems``."""
    e = math.ceil(elems / 100)
    return entries // e + 1 <= math.ceil(math.ceil(elems / 2) / e)


class _Idle:
    """An operand whose whole prefetch matrix fits the first fill: it never prefetches, never stalls."""

    prefetches = cost = 0

    def inside(self, key) -> bool:
        return True


def _operands(layer, dataflow: str, rows: int, cols: int, ifmap_buf, filt_buf, batch: int):
    """``(ifmap operand, filter operand, per_fold, folds, ifmap key(fc, fr), filter key(fc, fr))``; an operand
    whose prefetch matrix fits the first fill is :class:`_Idle` (nothing built for it)."""
    need_i = not fits_window(layer.ifmap_window_elems * batch, ifmap_buf[0])
    need_f = not fits_window(layer.filter_elems, filt_buf[0])
    ifmap, filt = _matrices(layer, batch, need_i, need_f)
    px, win, nf = layer.ofmap_pixels * batch, layer.window_size, layer.num_filters
    if dataflow == "os":
        sr, sc, t = px, nf, win
    elif dataflow == "ws":
        sr, sc, t = win, nf, px
    else:
        sr, sc, t = win, px, nf
    per_fold = rows + cols + t - 2 if dataflow == "os" else 2 * rows + cols + t - 2
    fr_n, fc_n = math.ceil(sr / rows), math.ceil(sc / cols)
    folds = [(fc, fr) for fc in range(fc_n) for fr in range(fr_n)]
    rows_i: list[list[int]] = []
    keys_i: list = []
    rows_f: list[list[int]] = []
    keys_f: list = []
    by_i: dict = {}
    by_f: dict = {}

    def add(store, keys, by, key, row):
        store.append(row)
        keys.append(key)
        by.setdefault(key, []).append(row)

    if dataflow == "os":
        diag_i, diag_f = True, True
        lines_i, lines_f = (lambda k: _skew(by_i[k], per_fold, 0)), (lambda k: _skew(by_f[k], per_fold, 0))
        key_i, key_f = (lambda fc, fr: fr), (lambda fc, fr: fc)
        for fr in range(fr_n if need_i else 0):
            for q in range(t):
                row = [ifmap[p][q] if p < px else -1 for p in range(fr * rows, fr * rows + rows)]
                add(rows_i, keys_i, by_i, fr, row)
        for fc in range(fc_n if need_f else 0):
            for q in range(t):
                add(rows_f, keys_f, by_f, fc, _pad(filt[q][fc * cols : fc * cols + cols], cols))
    elif dataflow == "ws":
        diag_i, diag_f = True, False
        lines_i, lines_f = (lambda k: _skew(by_i[k], per_fold, rows)), (lambda k: _flipped(by_f[k], rows, per_fold))
        key_i, key_f = (lambda fc, fr: fr), (lambda fc, fr: (fc, fr))
        for fr in range(fr_n if need_i else 0):
            for p in range(px):
                add(rows_i, keys_i, by_i, fr, _pad(ifmap[p][fr * rows : fr * rows + rows], rows))
        for fc in range(fc_n if need_f else 0):
            for q in range(win):
                add(rows_f, keys_f, by_f, (fc, q // rows), _pad(filt[q][fc * cols : fc * cols + cols], cols))
    else:
        diag_i, diag_f = False, True
        lines_i, lines_f = (lambda k: _flipped(by_i[k], rows, per_fold)), (lambda k: _skew(by_f[k], per_fold, rows))
        key_i, key_f = (lambda fc, fr: (fc, fr)), (lambda fc, fr: fr)
        for fc in range(fc_n if need_i else 0):
            for q in range(win):
                row = [ifmap[p][q] if p < px else -1 for p in range(fc * cols, fc * cols + cols)]
                add(rows_i, keys_i, by_i, (fc, q // rows), row)
        for fr in range(fr_n if need_f else 0):
            for f in range(nf):
                row = [filt[r][f] if r < win else -1 for r in range(fr * rows, fr * rows + rows)]
                add(rows_f, keys_f, by_f, fr, row)
    wi = _Operand(rows_i, keys_i, diag_i, lines_i, *ifmap_buf) if need_i else _Idle()
    wf = _Operand(rows_f, keys_f, diag_f, lines_f, *filt_buf) if need_f else _Idle()
    return wi, wf, per_fold, folds, key_i, key_f


def stall_cycles(
    layer: ConvLayer | GemmLayer,
    dataflow: str,
    rows: int,
    cols: int,
    ifmap: tuple[int, float],
    filt: tuple[int, float],
    batch: int = 1,
    ofmap: tuple[int, float] | None = None,
) -> tuple[int, int]:
    """``(slowest buffer's prefetch cycles, stall cycles)``; ``ifmap`` / ``filt`` are ``(SRAM elements, words
    per cycle)``; a buffer's prefetch cycles are its prefetches × (request lines + 1)."""
    if fits_window(layer.ifmap_window_elems * batch, ifmap[0]) and fits_window(layer.filter_elems, filt[0]):
        return 0, 0  # both prefetch matrices fit the first fill: never a prefetch
    wi, wf, per_fold, folds, key_i, key_f = _operands(layer, dataflow, rows, cols, ifmap, filt, batch)
    ofmap_sim = ofmap is not None and cols * math.ceil((ofmap[0] - math.ceil(ofmap[0] / 2)) / ofmap[1]) >= ofmap[0] - 1
    wb = _WriteBuffer(ofmap[0], max(1, int(ofmap[1]))) if ofmap_sim else None
    px, win, nf = layer.ofmap_pixels * batch, layer.window_size, layer.num_filters
    sr, sc, t = {"os": (px, nf, win), "ws": (win, nf, px), "is": (win, px, nf)}[dataflow]
    counts: dict = {}
    stall = 0
    for index, (fc, fr) in enumerate(folds):
        busy = [(op, op.lines(key)) for op, key in ((wi, key_i(fc, fr)), (wf, key_f(fc, fr))) if not op.inside(key)]
        if not busy and wb is None:
            continue
        writes = None
        if wb is not None:
            shape = (min(cols, sc - fc * cols), min(rows, sr - fr * rows))
            if shape not in counts:
                counts[shape] = _ofmap_counts(dataflow, rows, cols, t, shape[0], shape[1], per_fold)
            writes = counts[shape]
        base = index * per_fold
        for j in range(per_fold):
            cycle = base + j + stall
            worst = wb.serve(writes[j], cycle) if writes is not None and writes[j] else 0
            for op, (lines, spans) in busy:
                span = spans[j]
                if span is None or (span[0] - op.start) % op.n + span[1] - span[0] < op.active:
                    continue  # nothing requested, or every entry's first set inside the window (serve's fast path)
                stall_op = op.serve(lines[j], span, cycle)
                if stall_op > worst:
                    worst = stall_op
            stall += worst
    return max(wi.prefetches * wi.cost, wf.prefetches * wf.cost), stall
