"""Server-rendered SVG scatter charts of a design-space sweep: throughput against unit cost or energy.

Both axes are logarithmic (a sweep spans decades). Every feasible point is drawn as a small grey dot — dots
that fall on the same 2-pixel cell are drawn once, so a 20,000-point sweep stays a small document — and the
Pareto front on top as larger coloured dots joined by a line, each with a ``<title>`` naming the configuration
and ``data-index`` (its index in the sweep). Text goes through :func:`django.utils.html.escape`.
"""

from __future__ import annotations

import math
from typing import Any

from django.utils.html import escape

WIDTH, HEIGHT = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 78, 16, 16, 52
MAX_TICKS = 7
_PREFIXES = ((1e9, "G"), (1e6, "M"), (1e3, "k"), (1.0, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n"))


def si(value: float, unit: str) -> str:
    """``value`` with an SI prefix and 3 significant digits, e.g. ``si(0.0123, "J")`` = ``12.3 mJ``."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g} {unit}"
    factor, prefix = next(((f, p) for f, p in _PREFIXES if abs(value) >= f), _PREFIXES[-1])
    return f"{value / factor:.3g} {prefix}{unit}"


def _log_range(values: list[float]) -> tuple[float, float]:
    lo, hi = math.log10(min(values)), math.log10(max(values))
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    pad = (hi - lo) * 0.04
    return lo - pad, hi + pad


def _ticks(lo: float, hi: float) -> list[float]:
    first, last = math.ceil(lo), math.floor(hi)
    decades = list(range(first, last + 1))
    if len(decades) >= 2:
        step = -(-len(decades) // MAX_TICKS)  # every n-th decade so that at most MAX_TICKS labels share the axis
        return [10.0**d for d in decades[::step]]
    # less than two decades: ticks at 1, 2, 5 × 10^k inside the range
    ticks = [m * 10.0**d for d in range(math.floor(lo), math.ceil(hi) + 1) for m in (1, 2, 5)]
    return [t for t in ticks if lo <= math.log10(t) <= hi]


def scatter_svg(
    points: list[dict[str, Any]],
    front: list[int],
    y_key: str,
    *,
    x_label: str,
    y_label: str,
    y_unit: str,
    describe: Any = None,
    chart_id: str = "",
    link_prefix: str = "",
) -> str:
    """The SVG of ``points`` (feasible dicts with ``index``, ``throughput`` and ``y_key``) with ``front``.

    ``describe(point) -> str`` names a front point in its tooltip; with ``link_prefix`` each front point links
    to ``#<link_prefix><index>`` (its row in the front table). Returns ``""`` when there is no point.
    """
    feasible = [p for p in points if p["feasible"]]
    if not feasible:
        return ""
    xs = [p["throughput"] for p in feasible]
    ys = [p[y_key] for p in feasible]
    x0, x1 = _log_range(xs)
    y0, y1 = _log_range(ys)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + (math.log10(x) - x0) / (x1 - x0) * plot_w

    def py(y: float) -> float:
        return TOP + plot_h - (math.log10(y) - y0) / (y1 - y0) * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'class="dse-chart" id="{escape(chart_id)}" aria-label="{escape(y_label)} / {escape(x_label)}">',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#fff" stroke="#adb5bd"/>',
    ]
    for t in _ticks(x0, x1):
        x = px(t)
        out.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + plot_h}" stroke="#e9ecef"/>')
        out.append(
            f'<text x="{x:.1f}" y="{TOP + plot_h + 16}" font-size="11" text-anchor="middle">'
            f"{escape(si(t, '/s'))}</text>"
        )
    for t in _ticks(y0, y1):
        y = py(t)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="#e9ecef"/>')
        out.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{escape(si(t, y_unit))}</text>'
        )
    out.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 8}" font-size="12" text-anchor="middle">'
        f"{escape(x_label)}</text>"
    )
    out.append(
        f'<text transform="translate(14 {TOP + plot_h / 2:.1f}) rotate(-90)" font-size="12" text-anchor="middle">'
        f"{escape(y_label)}</text>"
    )
    cells = set()
    for p in feasible:
        cell = (round(px(p["throughput"]) / 2), round(py(p[y_key]) / 2))
        if cell not in cells:
            cells.add(cell)
            out.append(f'<circle cx="{cell[0] * 2}" cy="{cell[1] * 2}" r="1.6" fill="#adb5bd"/>')
    by_index = {p["index"]: p for p in feasible}
    chosen = sorted((by_index[i] for i in front if i in by_index), key=lambda p: p["throughput"])
    if chosen:
        line = " ".join(f"{px(p['throughput']):.1f},{py(p[y_key]):.1f}" for p in chosen)
        out.append(f'<polyline points="{line}" fill="none" stroke="#d63384" stroke-width="1.5"/>')
    for p in chosen:
        title = describe(p) if describe else f"#{p['index']}"
        circle = (
            f'<circle class="front-point" data-index="{p["index"]}" cx="{px(p["throughput"]):.1f}" '
            f'cy="{py(p[y_key]):.1f}" r="4.5" fill="#d63384" stroke="#fff"><title>{escape(title)}</title></circle>'
        )
        out.append(f'<a href="#{escape(link_prefix)}{p["index"]}">{circle}</a>' if link_prefix else circle)
    out.append("</svg>")
    return "".join(out)
