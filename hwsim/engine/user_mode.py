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
the gap lines) and replays the window and the stalls exactly as above, except that ofmap drains never stall
(SCALE-Sim's write buffer stalls only when a drain is still running when the other half fills). Cost: about
0.3 µs per SRAM read; :data:`MAX_SRAM_READS` bounds it (beyond it :mod:`hwsim.engine.memory` keeps its closed
form).
"""

from __future__ import annotations

import math

from hwsim.engine.ifmap_stream import _address_table
from hwsim.engine.topology import ConvLayer, GemmLayer

#: Largest ifmap + filter SRAM read count replayed (the suite's largest is 403,200).
MAX_SRAM_READS = 500_000


def _matrices(layer: ConvLayer | GemmLayer, batch: int) -> tuple[list[list[int]], list[list[int]]]:
    """Ifmap operand matrix (pixels × window, ``-1`` past the ifmap) and filter matrix (window × filters)."""
    if isinstance(layer, ConvLayer):
        ifmap = _address_table(layer, batch)
    else:
        k = layer.k
        ifmap = [[p * k + q for q in range(k)] for p in range(layer.m * batch)]
    nf = layer.num_filters
    filt = [[q * nf + f for f in range(nf)] for q in range(layer.window_size)]
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
        order: list[int] = []
        m = len(rows_list)
        fp, lp = [-1] * m, [-1] * m  # first / last prefetch position of each row's valid entries
        add = order.append
        if diagonal:
            n_cols = len(rows_list[0]) if m else 0
            for d in range(m + n_cols - 1):
                for r in range(min(d, m - 1), max(0, d - n_cols + 1) - 1, -1):
                    a = rows_list[r][d - r]
                    if a >= 0:
                        if fp[r] < 0:
                            fp[r] = len(order)
                        lp[r] = len(order)
                        add(a)
        else:
            for r, row in enumerate(rows_list):
                valid = [a for a in row if a >= 0]
                if valid:
                    fp[r], lp[r] = len(order), len(order) + len(valid) - 1
                    order.extend(valid)
        span: dict = {}
        for r, k in enumerate(keys):
            if fp[r] < 0:
                continue
            lo_hi = span.get(k)
            span[k] = (
                (fp[r] // e, lp[r] // e) if lo_hi is None else (min(lo_hi[0], fp[r] // e), max(lo_hi[1], lp[r] // e))
            )
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
                where: dict[int, list[int]] = {}
                for pos, a in enumerate(self.order):
                    sets = where.get(a)
                    if sets is None:
                        where[a] = [pos // self.e]
                    elif sets[-1] != pos // self.e:
                        sets.append(pos // self.e)
                self.where = where
                self.first = {a: sets[0] for a, sets in where.items()}
            first = self.first
            lines = self.lines_of(key)
            spans = []
            for line in lines:
                if line:
                    firsts = [first[a] for a in line]
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
        where = self.where
        for a in line:
            sets = where[a]
            guard = n + 1
            while guard:
                start = self.start
                if any((s - start) % n < active for s in sets):
                    break
                guard -= 1
                self.start = (start + self.step) % n
                self.prefetches += 1
                self.last += self.cost
                pot = self.last - (cycle + offset)
                offset += pot
                if pot > 0:
                    offset += pot
        return offset - 1


def fits_window(entries: int, elems: int) -> bool:
    """Whether all ``entries`` of a prefetch matrix sit in the first window of a buffer of ``elems``."""
    e = math.ceil(elems / 100)
    return entries // e + 1 <= math.ceil(math.ceil(elems / 2) / e)


def _operands(layer, dataflow: str, rows: int, cols: int, ifmap_buf, filt_buf, batch: int):
    """``(ifmap operand, filter operand, per_fold, folds, ifmap key(fc, fr), filter key(fc, fr))``."""
    ifmap, filt = _matrices(layer, batch)
    px, win, nf = len(ifmap), layer.window_size, layer.num_filters
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
        for fr in range(fr_n):
            for q in range(t):
                add(
                    rows_i,
                    keys_i,
                    by_i,
                    fr,
                    [ifmap[p][q] if p < px else -1 for p in range(fr * rows, fr * rows + rows)],
                )
        for fc in range(fc_n):
            for q in range(t):
                add(rows_f, keys_f, by_f, fc, _pad(filt[q][fc * cols : fc * cols + cols], cols))
        wi = _Operand(rows_i, keys_i, True, lambda k: _skew(by_i[k], per_fold, 0), *ifmap_buf)
        wf = _Operand(rows_f, keys_f, True, lambda k: _skew(by_f[k], per_fold, 0), *filt_buf)
        return wi, wf, per_fold, folds, (lambda fc, fr: fr), (lambda fc, fr: fc)
    if dataflow == "ws":
        for fr in range(fr_n):
            for p in range(px):
                add(rows_i, keys_i, by_i, fr, _pad(ifmap[p][fr * rows : fr * rows + rows], rows))
        for fc in range(fc_n):
            for q in range(win):
                add(rows_f, keys_f, by_f, (fc, q // rows), _pad(filt[q][fc * cols : fc * cols + cols], cols))
        wi = _Operand(rows_i, keys_i, True, lambda k: _skew(by_i[k], per_fold, rows), *ifmap_buf)
        wf = _Operand(rows_f, keys_f, False, lambda k: _flipped(by_f[k], rows, per_fold), *filt_buf)
        return wi, wf, per_fold, folds, (lambda fc, fr: fr), (lambda fc, fr: (fc, fr))
    for fc in range(fc_n):
        for q in range(win):
            row = [ifmap[p][q] if p < px else -1 for p in range(fc * cols, fc * cols + cols)]
            add(rows_i, keys_i, by_i, (fc, q // rows), row)
    for fr in range(fr_n):
        for f in range(nf):
            add(rows_f, keys_f, by_f, fr, [filt[r][f] if r < win else -1 for r in range(fr * rows, fr * rows + rows)])
    wi = _Operand(rows_i, keys_i, False, lambda k: _flipped(by_i[k], rows, per_fold), *ifmap_buf)
    wf = _Operand(rows_f, keys_f, True, lambda k: _skew(by_f[k], per_fold, rows), *filt_buf)
    return wi, wf, per_fold, folds, (lambda fc, fr: (fc, fr)), (lambda fc, fr: fr)


def stall_cycles(
    layer: ConvLayer | GemmLayer,
    dataflow: str,
    rows: int,
    cols: int,
    ifmap: tuple[int, float],
    filt: tuple[int, float],
    batch: int = 1,
) -> tuple[int, int]:
    """``(slowest buffer's prefetch cycles, stall cycles)``; ``ifmap`` / ``filt`` are ``(SRAM elements, words
    per cycle)``; a buffer's prefetch cycles are its prefetches × (request lines + 1)."""
    if fits_window(layer.ifmap_window_elems * batch, ifmap[0]) and fits_window(layer.filter_elems, filt[0]):
        return 0, 0  # both prefetch matrices fit the first fill: never a prefetch
    wi, wf, per_fold, folds, key_i, key_f = _operands(layer, dataflow, rows, cols, ifmap, filt, batch)
    stall = 0
    for index, (fc, fr) in enumerate(folds):
        busy = [(op, op.lines(key)) for op, key in ((wi, key_i(fc, fr)), (wf, key_f(fc, fr))) if not op.inside(key)]
        if not busy:
            continue
        base = index * per_fold
        for j in range(per_fold):
            cycle = base + j + stall
            worst = 0
            for op, (lines, spans) in busy:
                worst = max(worst, op.serve(lines[j], spans[j], cycle))
            stall += worst
    return max(wi.prefetches * wi.cost, wf.prefetches * wf.cost), stall
