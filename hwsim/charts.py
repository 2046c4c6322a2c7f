"""Charts of a verification result (the dict of :func:`hwsim.runner.run_verification`) as inline SVG.

Pure Python + matplotlib (Agg backend), no Django. :func:`all_charts` returns ``{key: svg}``:

* ``layers:<platform key>:<workload key>`` — per-layer cycles (bars; a filled step line above 60
  layers) with the per-layer PE utilisation (%) on a second axis;
* ``latency:<platform key>:<workload key>:<scenario>`` — the latency distribution (the result's
  ``latency_histogram``, ≤ 40 bins) in ms with p50/p90/p99 markers and, for Server, the latency bound;
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
import re
import textwrap

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402  (after selecting the backend)

__all__ = ["DEFAULT_LABELS", "FONT_FAMILY", "all_charts"]

FONT_FAMILY = ["Noto Sans CJK TC", "Noto Sans CJK JP", "DejaVu Sans"]
COST_PARTS = ("raw_chips_usd", "chip_defects_usd", "raw_package_usd", "package_defects_usd", "wasted_kgd_usd")
COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#a5a5a5")

#: Every string drawn on a chart. Titles take ``str.format`` fields {platform}, {workload}, {scenario}.
DEFAULT_LABELS: dict[str, str] = {
    "layers_title": "Per-layer cycles and utilisation: {platform} / {workload}",
    "layer": "Layer",
    "cycles": "Cycles",
    "utilization": "PE utilisation (%)",
    "latency_title": "Latency distribution: {platform} / {workload} / {scenario}",
    "latency_ms": "Latency (ms)",
    "count": "Count",
    "bound": "Latency bound",
    "valid": "VALID",
    "invalid": "INVALID",
    "cost_title": "Recurring cost per good package (Chiplet Actuary)",
    "usd": "USD",
    "raw_chips_usd": "Raw chips",
    "chip_defects_usd": "Chip defects",
    "raw_package_usd": "Raw package",
    "package_defects_usd": "Package defects",
    "wasted_kgd_usd": "Wasted KGD",
    "perf_title": "Performance per dollar",
    "perf_offline_samples_per_s": "Offline samples/s per USD",
    "perf_inverse_latency_per_s": "1 / latency (1/s) per USD",
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
        if key not in DEFAULT_LABELS:
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


def _wrap(title: str, width: int = 70) -> str:
    """Break a long chart title into lines of at most ``width`` characters so it stays inside the figure."""
    return "\n".join(textwrap.wrap(title, width)) or title


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


def _layers_chart(key: str, platform: dict, workload: dict, lab: dict) -> str:
    title = _fmt(lab["layers_title"], platform=platform["name"], workload=workload["name"], scenario="")
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
    fig.tight_layout()
    return _to_svg(fig, key, title)


def _latency_chart(key: str, platform: dict, workload: dict, run: dict, lab: dict) -> str:
    verdict = lab["valid"] if run["valid"] else lab["invalid"]
    title = (
        _fmt(lab["latency_title"], platform=platform["name"], workload=workload["name"], scenario=run["scenario"])
        + f" [{verdict}]"
    )
    hist = run["latency_histogram"]
    edges = [e * 1e3 for e in hist["edges_s"]]
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
        right = max(right, run["latency_bound_s"] * 1e3)
    for name, value_s, colour, style in marks:
        ax.axvline(value_s * 1e3, color=colour, linestyle=style, linewidth=1.1, label=f"{name} {value_s * 1e3:.4g} ms")
    ax.set_xlim(0, right * (1.25 if len(hist["counts"]) == 1 else 1.05))
    ax.set_xlabel(lab["latency_ms"])
    ax.set_ylabel(lab["count"])
    ax.legend(loc="upper left", fontsize=7, frameon=False)
    ax.set_title(_wrap(title), fontsize=10)
    fig.tight_layout()
    return _to_svg(fig, key, title)


def _cost_chart(results: dict, lab: dict) -> str:
    title = lab["cost_title"]
    names = [p["name"] for p in results["platforms"]]
    xs = list(range(len(names)))
    fig = Figure(figsize=(7.5, 3.2))
    ax = fig.subplots()
    bottom = [0.0] * len(names)
    for i, part in enumerate(COST_PARTS):
        values = [p["cost"]["parts"][part] for p in results["platforms"]]
        ax.bar(xs, values, bottom=bottom, color=COLOURS[i], width=0.55, label=lab[part])
        bottom = [b + v for b, v in zip(bottom, values)]
    for x, total in zip(xs, bottom):
        ax.annotate(f"{total:,.2f}", (x, total), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8)
    ax.set_xticks(xs, names)
    ax.set_ylabel(lab["usd"])
    ax.set_ylim(0, max(bottom) * 1.15)
    ax.set_xlim(-0.6, len(names) - 0.4 + 0.9)
    ax.legend(loc="upper right", fontsize=7, frameon=False)
    ax.set_title(_wrap(title), fontsize=10)
    fig.tight_layout()
    return _to_svg(fig, "cost", title)


def _perf_chart(results: dict, lab: dict) -> str:
    title = lab["perf_title"]
    platforms = results["platforms"]
    workloads = [(w["key"], w["name"]) for w in platforms[0]["workloads"]]
    basis = platforms[0]["workloads"][0]["perf_per_usd_basis"]
    fig = Figure(figsize=(7.5, 3.2))
    ax = fig.subplots()
    width = 0.8 / len(platforms)
    for i, p in enumerate(platforms):
        by_key = {w["key"]: w["perf_per_usd"] for w in p["workloads"]}
        xs = [j + (i - (len(platforms) - 1) / 2) * width for j in range(len(workloads))]
        bars = ax.bar(
            xs, [by_key[k] for k, _ in workloads], width=width * 0.95, color=COLOURS[i % len(COLOURS)], label=p["name"]
        )
        ax.bar_label(bars, fmt="%.3g", fontsize=7, padding=2)
    ax.set_xticks(range(len(workloads)), [name.split(" (")[0] for _, name in workloads])
    ax.set_ylabel(lab.get(f"perf_{basis}", basis))
    ax.margins(y=0.15)
    ax.legend(loc="upper right", fontsize=7, frameon=False)
    ax.set_title(_wrap(title), fontsize=10)
    fig.tight_layout()
    return _to_svg(fig, "perf_per_usd", title)


def all_charts(results: dict, labels: dict[str, str] | None = None) -> dict[str, str]:
    """Every chart of ``results`` (shape: :mod:`hwsim.runner`), keys and SVG format as in the module docstring.

    ``labels`` overrides entries of :data:`DEFAULT_LABELS` (e.g. zh-Hant translations); an unknown label
    key, a non-string label or a title with an unknown ``{field}`` raises ``ValueError``. Missing result
    keys raise ``KeyError``. Deterministic: the same ``results`` and ``labels`` give byte-identical SVG.
    About 0.1–0.2 s per chart (text layout with the large CJK font dominates): ~4 s for the 22 charts of
    2 platforms × 2 workloads × 4 scenarios — cache the result per job and label language.
    """
    lab = _labels(labels)
    charts: dict[str, str] = {}
    with matplotlib.rc_context(_RC):
        for p in results["platforms"]:
            for w in p["workloads"]:
                key = f"layers:{p['key']}:{w['key']}"
                charts[key] = _layers_chart(key, p, w, lab)
                for run in w["scenarios"]:
                    key = f"latency:{p['key']}:{w['key']}:{run['scenario']}"
                    charts[key] = _latency_chart(key, p, w, run, lab)
        charts["cost"] = _cost_chart(results, lab)
        charts["perf_per_usd"] = _perf_chart(results, lab)
    return charts
