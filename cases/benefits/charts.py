"""The trend chart of one KPI of a case as a server-rendered SVG (no JavaScript, no chart library).

x = the measurement period (placed at the period's end date, labelled ``YYYY-MM``), y = the value in the
kind's display unit (OEE in %, ROI as a ratio, NTD, counts). The baseline (the latest measurement marked
``is_baseline``, seed 001_f4b2551ebc037df1.txt "導入計畫前後之差異") is a dashed horizontal line labelled
"Baseline …"; the other measurements are the trend line with one marker each (its ``<title>`` gives period and
value). The root ``<svg>`` has ``role="img"`` and ``aria-labelledby`` naming a ``<title>`` and a ``<desc>``
(the chart in words); ids are prefixed per chart so several charts can sit in one page. Well-formed XML, no
prolog; all text escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext

from cases.benefits.enums import KpiKind
from cases.benefits.models import format_value

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 84, 24, 36, 48
Y_TICKS = 5


def _y_of(kind: str, value: Decimal) -> float:
    """The plotted number (display unit): OEE as a percent, everything else as stored."""
    return float(value * 100) if kind == KpiKind.OEE else float(value)


def _axis_label(kind: str) -> str:
    return {
        KpiKind.OEE: gettext("OEE (%)"),
        KpiKind.ROI: gettext("ROI (profit ÷ cost)"),
        KpiKind.REVENUE: gettext("Revenue (NTD)"),
        KpiKind.INVESTMENT: gettext("Investment induced (NTD)"),
        KpiKind.JOBS: gettext("Jobs (people)"),
        KpiKind.PRODUCTS: gettext("Products launched"),
    }[KpiKind(kind)]


def _tick_text(kind: str, y: float) -> str:
    if kind == KpiKind.OEE:
        return f"{y:.0f} %"
    if kind == KpiKind.ROI:
        return f"{y:.2f}"
    return f"{y:,.0f}"


def trend_svg(kind: str, measurements: Sequence[Any], *, chart_id: str = "") -> str:
    """The SVG document (str) of the measurements of one ``kind`` (objects with ``period_start``,
    ``period_end``, ``value``, ``is_baseline``), in period order. Empty measurements give a chart saying so."""
    prefix = f"kpi-{chart_id or kind}-"
    title = gettext("Trend of %(kpi)s") % {"kpi": KpiKind(kind).label}
    points = sorted((m for m in measurements if not m.is_baseline), key=lambda m: (m.period_end, m.period_start))
    baselines = sorted((m for m in measurements if m.is_baseline), key=lambda m: (m.period_end, m.period_start))
    baseline = baselines[-1] if baselines else None
    desc = _description(kind, points, baseline)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-labelledby="{prefix}title {prefix}desc" class="kpi-trend" data-kind={quoteattr(kind)}>',
        f'<title id="{prefix}title">{escape(title)}</title>',
        f'<desc id="{prefix}desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>',
    ]
    values = [_y_of(kind, m.value) for m in points] + ([_y_of(kind, baseline.value)] if baseline else [])
    if not values:
        parts.append(f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">{escape(desc)}</text></svg>')
        return "".join(parts)
    low, high = min(0.0, *values), max(values)
    if kind == KpiKind.OEE:
        low, high = 0.0, max(100.0, high)
    if high == low:
        high = low + 1.0
    high += (high - low) * 0.08
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y_px(y: float) -> float:
        return round(TOP + plot_h - (y - low) / (high - low) * plot_h, 1)

    dates = [m.period_end for m in points] or [baseline.period_end]
    first, last = min(dates), max(dates)
    span = max((last - first).days, 1)

    def x_px(day: dt.date) -> float:
        if first == last:
            return round(LEFT + plot_w / 2, 1)
        return round(LEFT + (day - first).days / span * plot_w, 1)

    parts.append(
        f'<g class="axes" stroke="#666" fill="none"><path d="M{LEFT} {TOP}V{TOP + plot_h}H{LEFT + plot_w}"/></g>'
    )
    parts.append('<g class="y-ticks" font-size="11" fill="#333" text-anchor="end">')
    for i in range(Y_TICKS + 1):
        y = low + (high - low) * i / Y_TICKS
        py = y_px(y)
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{py}" y2="{py}" stroke="#eee"/>'
            f'<text x="{LEFT - 6}" y="{py + 4}">{escape(_tick_text(kind, y))}</text>'
        )
    parts.append("</g>")
    parts.append(
        f'<text class="y-label" font-size="12" fill="#333" transform="translate(14 {TOP + plot_h / 2}) rotate(-90)" '
        f'text-anchor="middle">{escape(_axis_label(kind))}</text>'
    )
    step = -(-len(points) // 12) or 1  # at most 12 month labels
    parts.append('<g class="x-ticks" font-size="11" fill="#333" text-anchor="middle">')
    for i, m in enumerate(points):
        if i % step == 0:
            parts.append(f'<text x="{x_px(m.period_end)}" y="{TOP + plot_h + 18}">{m.period_end:%Y-%m}</text>')
    parts.append("</g>")
    parts.append(
        f'<text class="x-label" font-size="12" fill="#333" x="{LEFT + plot_w / 2}" y="{HEIGHT - 6}" '
        f'text-anchor="middle">{escape(gettext("Period (end month)"))}</text>'
    )
    if baseline is not None:
        by = y_px(_y_of(kind, baseline.value))
        label = gettext("Baseline %(value)s") % {"value": format_value(kind, baseline.value)}
        parts.append(
            f'<g class="baseline" data-value="{baseline.value}">'
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{by}" y2="{by}" stroke="#b02a37" stroke-width="1.5" '
            f'stroke-dasharray="6 4"/>'
            f'<text x="{LEFT + plot_w - 4}" y="{by - 5}" font-size="11" fill="#b02a37" text-anchor="end">'
            f"{escape(label)}</text></g>"
        )
    if points:
        path = " ".join(f"{x_px(m.period_end)},{y_px(_y_of(kind, m.value))}" for m in points)
        parts.append(f'<polyline class="trend" points="{path}" fill="none" stroke="#0d6efd" stroke-width="2"/>')
        parts.append('<g class="points" fill="#0d6efd">')
        for m in points:
            tip = f"{m.period_start:%Y-%m-%d} – {m.period_end:%Y-%m-%d}: {format_value(kind, m.value)}"
            parts.append(
                f'<circle cx="{x_px(m.period_end)}" cy="{y_px(_y_of(kind, m.value))}" r="3.5" '
                f'data-value="{m.value}"><title>{escape(tip)}</title></circle>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _description(kind: str, points: Sequence[Any], baseline: Any) -> str:
    """The chart in words (the ``<desc>``): how many measurements over which months, baseline, latest."""
    if not points and baseline is None:
        return gettext("No measurements yet.")
    bits = []
    if points:
        bits.append(
            gettext("%(count)s measurements from %(first)s to %(last)s; latest %(latest)s.")
            % {
                "count": len(points),
                "first": f"{points[0].period_end:%Y-%m}",
                "last": f"{points[-1].period_end:%Y-%m}",
                "latest": format_value(kind, points[-1].value),
            }
        )
    if baseline is not None:
        bits.append(gettext("Baseline %(value)s.") % {"value": format_value(kind, baseline.value)})
    return " ".join(bits)
