"""Charts of a verification result (the dict of :func:`hwsim.runner.run_verification`) as inline SVG.

Pure Python + matplotlib (Agg backend), no Django. :func:`all_charts` returns ``{key: svg}``:

* ``layers:<platform key>:<workload key>`` — per-layer cycles (bars; a filled step line above 60
  layers) with the per-layer PE utilisation (%) on a second axis;
* ``latency:<platform key>:<workload key>:<scenario>`` — the latency distribution (the result's
  ``latency_histogram``, ≤ 40 bins) in seconds (SI-prefixed ticks) with p50/p90/p99 markers and, for
  Server, the latency bound;
* ``cost`` — stacked recurring cost per good package (the five Chiplet Actuary parts) per platform;
* ``perf_per_usd`` — grouped bars: one group per workload, one bar per platform.

Each value is an SVG document without an XML prolog: the root ``<svg>`` has ``role="img"``,
``aria-labelledby`` pointing at a ``<title>`` (the chart title), a ``viewBox`` and no width/height, so
it scales to its container (``max-width: 100%`` in HTML; give it a CSS width in print). Every ``id`` is
prefixed per chart (``c-<key with ':' → '-'>-``) so many charts can be inlined in one page.

Text is kept as ``<text>`` (``svg.fonttype = 'none'``) with the font family list
``"Noto Sans CJK TC", "Noto Sans CJK JP", "DejaVu Sans"`` — selectable, small, and Chinese labels render
in browsers and in WeasyPrint. Output is byte-identical for identical input (``svg.hashsalt`` fixed,
no date/metadata). All visible text comes from ``labels`` (defaults :data:`DEFAULT_LABELS`, English), so
the caller can pass translated labels; workload/platform names come from the results.
"""

from __future__ import annotations

import html
import io
import math
import re
import textwrap
from collections.abc import Iterator
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402  (after selecting the backend)
from matplotlib.text import Text  # noqa: E402
from matplotlib.ticker import EngFormatter  # noqa: E402

from hwsim.numbers import eng  # noqa: E402

Box = tuple[float, float, float, float]

__all__ = ["DEFAULT_LABELS", "FONT_FAMILY", "all_charts", "chart_text_boxes", "overlaps", "text_boxes"]

FONT_FAMILY = ["Noto Sans CJK TC", "Noto Sans CJK JP", "DejaVu Sans"]
COST_PARTS = ("raw_chips_usd", "chip_defects_usd", "raw_package_usd", "package_defects_usd", "wasted_kgd_usd")
COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#a5a5a5")


def gettext_noop(text: str) -> str:
    """Marks a msgid for ``makemessages`` (same name as Django's) without importing Django: the portal
    translates :data:`DEFAULT_LABELS` with gettext (:func:`hwsim.labels.chart_labels`)."""
    return text


#: Every string drawn on a chart (the English msgids; one list for the charts and their translation). Titles
#: take ``str.format`` fields {platform}, {workload}, {scenario}. Scenario names are optional labels
#: ``scenario:<code>`` (default: the code).
DEFAULT_LABELS: dict[str, str] = {
    "layers_title": gettext_noop("Per-layer cycles and utilisation: {platform} / {workload}"),
    "layer": gettext_noop("Layer"),
    "cycles": gettext_noop("Cycles"),
    "utilization": gettext_noop("PE utilisation (%)"),
    "latency_title": gettext_noop("Latency distribution: {platform} / {workload} / {scenario}"),
    "latency": gettext_noop("Latency"),
    "count": gettext_noop("Count"),
    "bound": gettext_noop("Latency bound"),
    "valid": gettext_noop("VALID"),
    "invalid": gettext_noop("INVALID"),
    "cost_title": gettext_noop("Recurring cost per good package (Chiplet Actuary)"),
    "usd": gettext_noop("USD"),
    "raw_chips_usd": gettext_noop("Raw chips"),
    "chip_defects_usd": gettext_noop("Chip defects"),
    "raw_package_usd": gettext_noop("Raw package"),
    "package_defects_usd": gettext_noop("Package defects"),
    "wasted_kgd_usd": gettext_noop("Wasted KGD"),
    "perf_title": gettext_noop("Performance per dollar"),
    "perf_offline_samples_per_s": gettext_noop("Offline samples/s per USD"),
    "perf_inverse_latency_per_s": gettext_noop("1 / latency (1/s) per USD"),
}

_RC = {
    "svg.hashsalt": "hwsim-charts",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": FONT_FAMILY,
    "font.size": 9,
    "axes.unicode_minus": False,
    "axes.spines.top": False,
}


def _labels(labels: dict[str, str] | None) -> dict[str, str]:
    merged = dict(DEFAULT_LABELS)
    for key, value in (labels or {}).items():
        if key not in DEFAULT_LABELS and not key.startswith(("scenario:", "workload:")):
            raise ValueError(f"unknown chart label {key!r}; known: {', '.join(DEFAULT_LABELS)}")
        if not isinstance(value, str):
            raise ValueError(f"chart label {key!r} must be a string, got {value!r}")
        merged[key] = value
    return merged


def _fmt(template: str, **fields: str) -> str:
    try:
        return template.format(**fields)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(f"chart label {template!r} has an unknown or malformed field: {exc}") from None


def _workload(workload: dict, lab: dict, short: bool = False) -> str:
    """The workload's display name: label ``workload:<key>`` if given, else the results' name (shortened to
    the part before " (" for a tick label)."""
    name = lab.get(f"workload:{workload['key']}")
    if name is None:
        name = workload["name"].split(" (")[0] if short else workload["name"]
    return name


def _wrap(title: str, width: int = 70) -> str:
    """Break a long chart title into lines of at most ``width`` characters so it stays inside the figure."""
    return "\n".join(textwrap.wrap(title, width)) or title


def _renderer(fig: Figure) -> Any:
    """An Agg renderer for ``fig`` (text extents; the SVG writer lays text out with the same font metrics)."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    return fig.canvas.get_renderer()


def _drawn_texts(fig: Figure) -> list[Text]:
    """The visible, non-empty texts a render of ``fig`` draws (tick labels only for ticks in view)."""
    renderer = _renderer(fig)
    fig.draw_without_rendering()
    texts: list[Text] = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if not axis.get_visible():
                continue
            for tick in axis._update_ticks():  # the ticks a draw renders (inside the view interval)
                texts += [t for t in (tick.label1, tick.label2) if t.get_visible()]
            texts.append(axis.label)
            texts.append(axis.get_offset_text())
        texts += [ax.title, ax._left_title, ax._right_title, *ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            texts += legend.get_texts()
    for legend in fig.legends:
        texts += legend.get_texts()
    del renderer
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def text_boxes(fig: Figure) -> list[tuple[str, Box]]:
    """(text, (x0, y0, x1, y1)) in display pixels for every text :func:`_drawn_texts` finds."""
    renderer = _renderer(fig)
    boxes = []
    for t in _drawn_texts(fig):
        b = t.get_window_extent(renderer)
        boxes.append((t.get_text(), (b.x0, b.y0, b.x1, b.y1)))
    return boxes


def overlaps(boxes: list[tuple[str, Box]], tolerance: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes intersect by more than ``tolerance`` pixels in both directions."""
    found = []
    for i, (ta, a) in enumerate(boxes):
        for tb, b in boxes[i + 1 :]:
            if min(a[2], b[2]) - max(a[0], b[0]) > tolerance and min(a[3], b[3]) - max(a[1], b[1]) > tolerance:
                found.append((ta, tb))
    return found


def _fit_xticks(fig: Figure, ax: Any, xs: list[float], names: list[str]) -> None:
    """Category tick labels (platform or model names) that do not overlap: wrap them narrower (22 → 8
    characters a line), then shrink them (8 → 5 pt), until their boxes are apart."""
    for width, size in ((22, 8), (16, 8), (12, 8), (8, 8), (8, 7), (8, 6), (8, 5)):
        ax.set_xticks(xs, [_wrap(name, width) for name in names], fontsize=size)
        if not overlaps(text_boxes(fig)):
            return


def _layout(fig: Figure) -> None:
    """Lay ``fig`` out: ``tight_layout`` unless it uses the constrained engine (legends outside the axes)."""
    if fig.get_layout_engine() is None:
        fig.tight_layout()


def _to_svg(fig: Figure, key: str, title: str) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    prefix = "c-" + re.sub(r"[^A-Za-z0-9_-]", "-", key) + "-"
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}{m.group(1)}"', svg)
    head_end = svg.index(">") + 1
    head = re.sub(r'\s(width|height)="[^"]*"', "", svg[:head_end])
    head = head[:-1] + f' role="img" aria-labelledby="{prefix}title">'
    return f'{head}\n <title id="{prefix}title">{html.escape(title, quote=False)}</title>{svg[head_end:]}'


def _layers_chart(key: str, platform: dict, workload: dict, lab: dict) -> tuple[Figure, str]:
    title = _fmt(lab["layers_title"], platform=platform["name"], workload=_workload(workload, lab), scenario="")
    layers = workload["layers"]
    xs = list(range(1, len(layers) + 1))
    cycles = [layer["cycles"] for layer in layers]
    util = [layer["utilization"] * 100 for layer in layers]
    fig = Figure(figsize=(7.5, 3.2))
    ax = fig.subplots()
    if len(layers) <= 60:
        ax.bar(xs, cycles, color=COLOURS[0], width=0.8, label=lab["cycles"])
    else:
        ax.fill_between(xs, cycles, step="mid", color=COLOURS[0], linewidth=0, label=lab["cycles"])
    ax.set_xlim(0.4, len(layers) + 0.6)
    ax.set_xlabel(lab["layer"])
    ax.set_ylabel(lab["cycles"])
    ax.yaxis.set_major_formatter(EngFormatter(sep=" "))
    if len(layers) <= 30:
        ax.set_xticks(xs, [layer["name"] for layer in layers], rotation=90, fontsize=6)
    ax2 = ax.twinx()
    ax2.plot(
        xs, util, color=COLOURS[1], linewidth=1.2, marker="." if len(layers) <= 60 else None, label=lab["utilization"]
    )
    ax2.set_ylim(0, 105)
    ax2.set_ylabel(lab["utilization"])
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    ax.legend(handles, [lab["cycles"], lab["utilization"]], loc="upper right", fontsize=7, frameon=False)
    ax.set_title(_wrap(title), fontsize=10)
    _layout(fig)
    return fig, title


def _latency_chart(key: str, platform: dict, workload: dict, run: dict, lab: dict) -> tuple[Figure, str]:
    verdict = lab["valid"] if run["valid"] else lab["invalid"]
    title = (
        _fmt(
            lab["latency_title"],
            platform=platform["name"],
            workload=_workload(workload, lab),
            scenario=lab.get(f"scenario:{run['scenario']}", run["scenario"]),
        )
        + f" [{verdict}]"
    )
    hist = run["latency_histogram"]
    edges = list(hist["edges_s"])
    fig = Figure(figsize=(7.5, 2.8))
    ax = fig.subplots()
    ax.stairs(hist["counts"], edges, fill=True, color=COLOURS[5], alpha=0.85)
    right = edges[-1]
    marks = [
        ("p50", run["percentiles_s"]["50"], COLOURS[2], ":"),
        ("p90", run["percentiles_s"]["90"], COLOURS[4], "--"),
        ("p99", run["percentiles_s"]["99"], COLOURS[3], "-."),
    ]
    if run.get("latency_bound_s") is not None:
        marks.append((lab["bound"], run["latency_bound_s"], "#c00000", "-"))
        right = max(right, run["latency_bound_s"])
    for name, value_s, colour, style in marks:
        ax.axvline(value_s, color=colour, linestyle=style, linewidth=1.1, label=f"{name} {eng(value_s, 's')}")
    ax.set_xlim(0, right * (1.25 if len(hist["counts"]) == 1 else 1.05))
    ax.set_xlabel(lab["latency"])
    ax.xaxis.set_major_formatter(EngFormatter(unit="s", sep=" "))
    ax.yaxis.set_major_formatter(EngFormatter(sep=" "))
    ax.set_ylabel(lab["count"])
    ax.legend(loc="upper left", fontsize=7, frameon=False)
    ax.set_title(_wrap(title), fontsize=10)
    _layout(fig)
    return fig, title


def _cost_chart(results: dict, lab: dict) -> tuple[Figure, str]:
    title = lab["cost_title"]
    names = [p["name"] for p in results["platforms"]]
    xs = list(range(len(names)))
    fig = Figure(figsize=(7.5, 3.2), layout="constrained")
    ax = fig.subplots()
    bottom = [0.0] * len(names)
    for i, part in enumerate(COST_PARTS):
        values = [p["cost"]["parts"][part] for p in results["platforms"]]
        ax.bar(xs, values, bottom=bottom, color=COLOURS[i], width=0.55, label=lab[part])
        bottom = [b + v for b, v in zip(bottom, values)]
    for x, total in zip(xs, bottom):
        ax.annotate(f"{total:,.2f}", (x, total), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8)
    ax.set_ylabel(lab["usd"])
    ax.set_ylim(0, max(bottom) * 1.15)
    ax.set_xlim(-0.6, len(names) - 0.4)
    fig.legend(loc="outside right upper", fontsize=7, frameon=False)
    ax.set_title(_wrap(title), fontsize=10)
    _fit_xticks(fig, ax, xs, names)
    _layout(fig)
    return fig, title


def _perf_chart(results: dict, lab: dict) -> tuple[Figure, str]:
    title = lab["perf_title"]
    platforms = results["platforms"]
    workloads = [(w["key"], _workload(w, lab, short=True)) for w in platforms[0]["workloads"]]
    basis = platforms[0]["workloads"][0]["perf_per_usd_basis"]
    fig = Figure(figsize=(7.5, 3.2 + 0.25 * math.ceil(len(platforms) / 2)), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / len(platforms)
    for i, p in enumerate(platforms):
        by_key = {w["key"]: w["perf_per_usd"] for w in p["workloads"]}
        xs = [j + (i - (len(platforms) - 1) / 2) * width for j in range(len(workloads))]
        bars = ax.bar(
            xs, [by_key[k] for k, _ in workloads], width=width * 0.95, color=COLOURS[i % len(COLOURS)], label=p["name"]
        )
        ax.bar_label(bars, labels=[eng(v, digits=3) for v in bars.datavalues], fontsize=7, padding=2)
    ax.set_ylabel(lab.get(f"perf_{basis}", basis))
    ax.yaxis.set_major_formatter(EngFormatter(sep=" "))
    ax.margins(y=0.15)
    fig.legend(loc="outside lower center", ncols=min(2, len(platforms)), fontsize=7, frameon=False)
    ax.set_title(_wrap(title), fontsize=10)
    _fit_xticks(fig, ax, list(range(len(workloads))), [name for _, name in workloads])
    _layout(fig)
    return fig, title


def _figures(results: dict, lab: dict) -> Iterator[tuple[str, Figure, str]]:
    """(key, figure, title) of every chart, laid out (inside ``rc_context(_RC)``)."""
    for p in results["platforms"]:
        for w in p["workloads"]:
            key = f"layers:{p['key']}:{w['key']}"
            yield key, *_layers_chart(key, p, w, lab)
            for run in w["scenarios"]:
                key = f"latency:{p['key']}:{w['key']}:{run['scenario']}"
                yield key, *_latency_chart(key, p, w, run, lab)
    yield "cost", *_cost_chart(results, lab)
    yield "perf_per_usd", *_perf_chart(results, lab)


def all_charts(results: dict, labels: dict[str, str] | None = None) -> dict[str, str]:
    """Every chart of ``results`` (shape: :mod:`hwsim.runner`), keys and SVG format as in the module docstring.

    ``labels`` overrides entries of :data:`DEFAULT_LABELS` (e.g. zh-Hant translations) and may add
    ``scenario:<code>`` / ``workload:<key>`` display names; an unknown label key, a non-string label or a
    title with an unknown ``{field}`` raises ``ValueError``. Missing result keys raise ``KeyError``.
    Deterministic: the same ``results`` and ``labels`` give byte-identical SVG. About 0.1–0.2 s per chart
    (text layout with the large CJK font dominates): ~4 s for the 22 charts of 2 platforms × 2 workloads ×
    4 scenarios — the portal builds them once, in the worker, and stores them (hwsim.reports).
    """
    lab = _labels(labels)
    with matplotlib.rc_context(_RC):
        return {key: _to_svg(fig, key, title) for key, fig, title in _figures(results, lab)}


def chart_text_boxes(results: dict, labels: dict[str, str] | None = None) -> dict[str, list[tuple[str, Box]]]:
    """``{chart key: [(text, (x0, y0, x1, y1)), ...]}``: every drawn text of every chart with its box in
    figure pixels (what :func:`overlaps` checks; the layout step already resolved what it could)."""
    lab = _labels(labels)
    with matplotlib.rc_context(_RC):
        return {key: text_boxes(fig) for key, fig, _title in _figures(results, lab)}
