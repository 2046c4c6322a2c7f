"""Default-mode ifmap DRAM reads of an overlapping convolution too large to replay: a reuse-distance estimate.

SCALE-Sim v3.0.0's CALC-mode read buffer (``read_buffer_estimate_bw``) fetches an address when it has not
fetched it since its last flush and flushes after every ``K`` fetches. Seen from the demand stream that is a
greedy split into *epochs*: each epoch is the shortest run of demands holding ``K`` distinct addresses, and
fetches every distinct address it holds once. So the fetches are ``K`` per epoch, and the epochs' length ``L``
(in demands) follows from the stream's back reuse distances ``d`` (demands since the previous demand of the same
address; ∞ for a first demand): a window of ``L`` demands holds ``E[min(d, L)]`` distinct addresses on average,
and ``L`` solves ``E[min(d, L)] = K``. Fetches ≈ ``N · K / L`` for ``N`` valid demands over all passes.

The distances are computed, not replayed, for one pass (``passes`` = column folds in os / ws, 1 in is):
first demands (∞, exactly U = touched elements of them in the first pass) and each element's first demand in a
later pass (distance from its last demand in the previous pass) are weighted exactly; only the in-pass re-reads
are sampled. For ``SAMPLES`` demands (pixel, window element) on a golden-ratio sequence, every (pixel, window
element) reading the same ifmap element (at most ⌈fh/s⌉·⌈fw/s⌉ of them) is enumerated and ranked in SCALE-Sim's
demand order (os: fold of R pixels, skewed ``window × R`` block; ws: fold of R window elements, skewed
``pixels × R`` block; is: fold of C pixels × R window elements, rows read last first — the orders of
:mod:`hwsim.engine.ifmap_stream`; ``-1`` entries keep their slots, a small error on layers whose windows hang
off the ifmap). ``L`` is then solved exactly on the piecewise-linear ``E[min(d, L)]``. Cost ≈ 1 ms a layer
(cached per stream shape). The mean-window rule ignores that epochs lock onto the stream's fold structure
(res5 3×3 os: epochs alternate 68k / 158k demands), so it is biased on some layers; a walk of the epochs over
position-binned samples was tried and was no better. Figures against SCALE-Sim are in :mod:`hwsim.engine.memory`.
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import lru_cache

from hwsim.engine.topology import ConvLayer

#: Demands sampled per layer.
SAMPLES = 96
_PHI = (math.sqrt(5) - 1) / 2


def _prefix(line: int, n_rows: int, width: int) -> int:
    """Entries before ``line`` of a skewed ``n_rows × width`` block (line l holds (l - c, c))."""
    a = line * (line + 1) // 2 if line <= width else width * (width + 1) // 2 + (line - width) * width
    m = line - n_rows
    return a - (m * (m + 1) // 2 if m > 0 else 0)


class _Order:
    """Position of demand (pixel p, window element q) within one sweep, in SCALE-Sim's order."""

    def __init__(self, dataflow: str, px: int, win: int, rows: int, cols: int) -> None:
        self.df, self.px, self.win, self.rows, self.cols = dataflow, px, win, rows, cols
        self.length = px * win

        r = rows
        if dataflow == "os":  # position order: (fold, line, column)
            span = win + r
            self.key = lambda p, q: ((p // r) * span + q + p % r) * r + p % r
        elif dataflow == "ws":
            span = px + r
            self.key = lambda p, q: ((q // r) * span + p + q % r) * r + q % r
        else:
            self.key = self.pos

    def pos(self, p: int, q: int) -> int:
        r = self.rows
        if self.df == "os":
            f, c = divmod(p, r)
            width = min(r, self.px - f * r)
            line = q + c
            return f * self.win * r + _prefix(line, self.win, width) + c - max(0, line - self.win + 1)
        if self.df == "ws":
            f, c = divmod(q, r)
            width = min(r, self.win - f * r)
            line = p + c
            return f * self.px * r + _prefix(line, self.px, width) + c - max(0, line - self.px + 1)
        pc, c = divmod(p, self.cols)
        block = min(self.cols, self.px - pc * self.cols)
        wf = q // r
        end = min(wf * r + r, self.win)
        return pc * self.cols * self.win + wf * r * block + (end - 1 - q) * block + c


def estimate_ifmap_reads(layer: ConvLayer, dataflow: str, rows: int, cols: int, k: float, batch: int = 1) -> int:
    """Estimated CALC-mode ifmap DRAM reads (elements) of ``layer`` × ``batch`` on a ``rows``×``cols`` array
    whose read buffer flushes every ``k`` fetches (module docstring). Cached on what the stream depends on (the
    filters and the array width only through the number of passes in os / ws)."""
    if dataflow == "is":
        return _estimate(replace(layer, name="", num_filters=1), dataflow, rows, cols, k, batch)
    passes = math.ceil(layer.num_filters / cols)
    return _estimate(replace(layer, name="", num_filters=passes), dataflow, rows, 1, k, batch)


@lru_cache(maxsize=8192)
def _estimate(layer: ConvLayer, dataflow: str, rows: int, cols: int, k: float, batch: int) -> int:
    h, w, ch, s = layer.ifmap_h, layer.ifmap_w, layer.channels, layer.stride
    fh, fw = layer.filter_h, layer.filter_w
    eh, ew = layer.ofmap_h, layer.ofmap_w
    per_img = eh * ew
    px, win = per_img * batch, layer.window_size
    passes = 1 if dataflow == "is" else math.ceil(layer.num_filters / cols)
    order = _Order(dataflow, px, win, rows, cols)
    sweep = order.length
    key = order.key
    within: list[int] = []  # back distances of sampled re-reads inside a pass
    cross: list[tuple[float, int]] = []  # (1 / readers, distance of its first demand in the next pass)
    n = 0
    for i in range(SAMPLES):
        g = int(((i + 1) * _PHI % 1.0) * sweep)
        p, q = divmod(g, win)
        b, pix = divmod(p, per_img)
        oy, ox = divmod(pix, ew)
        i_r, rest = divmod(q, fw * ch)
        j_c, c = divmod(rest, ch)
        y, x = oy * s + i_r, ox * s + j_c
        if y >= h or x >= w:
            continue
        own_key = key(p, q)
        prev = first = last = None
        prev_key, first_key, last_key, readers = -1, None, -1, 0
        for oy2 in range(max(0, -((fh - 1 - y) // s)), min(eh - 1, y // s) + 1):
            base_q = (y - oy2 * s) * fw
            p_row = b * per_img + oy2 * ew
            for ox2 in range(max(0, -((fw - 1 - x) // s)), min(ew - 1, x // s) + 1):
                p2, q2 = p_row + ox2, (base_q + x - ox2 * s) * ch + c
                k2 = key(p2, q2)
                readers += 1
                if prev_key < k2 < own_key:
                    prev_key, prev = k2, (p2, q2)
                if k2 > last_key:
                    last_key, last = k2, (p2, q2)
                if first_key is None or k2 < first_key:
                    first_key, first = k2, (p2, q2)
        own = order.pos(p, q)
        first_pos = order.pos(*first)
        prev_pos = order.pos(*prev) if prev is not None else -1
        last_pos = order.pos(*last)
        n += 1
        cross.append((1.0 / readers, first_pos + sweep - last_pos))
        if prev_pos >= 0:
            within.append(own - prev_pos)
    if n == 0:
        return 0
    touched = layer.ifmap_elems * batch
    per_pass = layer.ifmap_window_elems * batch
    total = per_pass * passes
    w_cross = sum(wt for wt, _ in cross)
    w_within = (per_pass - touched) / len(within) if within else 0.0

    items = [((passes - 1) * touched / w_cross * wt, d) for wt, d in cross]
    items += [(passes * w_within, d) for d in within]
    length = _solve(items, touched, k * total)
    if length is None:
        return touched * passes
    return max(touched, round(total * k / length))


def _solve(items: list[tuple[float, float]], slope: float, target: float) -> float | None:
    """``L`` with ``slope·L + Σ w·min(d, L) = target`` over ``items`` ``(w, d)``; None when never reached."""
    items.sort(key=lambda item: item[1])
    slope += sum(wt for wt, _ in items)
    below = 0.0
    for wt, d in items:
        if below + slope * d >= target:
            return (target - below) / slope
        below += wt * d
        slope -= wt
    return (target - below) / slope if slope > 0 else None


def clear_cache() -> None:
    """Empty the estimate cache."""
    _estimate.cache_clear()
