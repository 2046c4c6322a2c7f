"""PDF certificate: the bilingual 跨平台效能驗證報告 (Cross-Platform Performance Verification Report).

The AI-chip verification lab issues cross-platform performance verification reports based on
mainstream AI models and MLPerf test items (seed ``003_fa9863a310fbdc37.txt``, O3 KR1 and "AI晶片系統
驗證實驗室"). :func:`render_certificate_pdf` renders ``hwsim/templates/hwsim/certificate.html`` (A4,
Traditional Chinese + English, page numbers and the report number in the footer) with WeasyPrint.

Inputs come from the caller (the ``hwsim`` app's report task): the ``results`` of
:func:`hwsim.runner.run_verification`, its ``charts`` from :func:`hwsim.charts.all_charts` (inlined as
SVG; a missing chart is simply left out) and the request ``spec`` (only hashed here: the inputs shown
are the normalised ones echoed in ``results``). The template is rendered by a private Django template
engine on this app's ``templates`` directory, so it works whether or not ``hwsim`` is in
``INSTALLED_APPS``; Django settings must be configured (they are in the portal and in pytest-django).

Fonts: every text uses ``"Noto Sans CJK TC"`` (Debian ``fonts-noto-cjk``,
``/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc``); WeasyPrint embeds a subset (with
``libharfbuzz-subset0`` installed a one-page CJK page renders in ~0.3 s and the font costs ~0.2 MB
instead of the ~20 MB of the whole font collection). Charts are embedded as SVG ``<img>`` data URIs (WeasyPrint
draws them as vectors; inline ``<svg>`` would send every matplotlib ``style`` attribute through the HTML
cascade, which is slower and logs an "unknown property" line per declaration).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from hwsim.runner import HISTOGRAM_BINS

__all__ = [
    "CertificateContext",
    "certificate_template_context",
    "render_certificate_html",
    "render_certificate_pdf",
    "template_engine",
]

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
COST_PARTS = (
    ("raw_chips_usd", "裸晶", "Raw chips"),
    ("chip_defects_usd", "晶片缺陷", "Chip defects"),
    ("raw_package_usd", "封裝材料", "Raw package"),
    ("package_defects_usd", "封裝缺陷", "Package defects"),
    ("wasted_kgd_usd", "報廢良裸晶", "Wasted KGD"),
)
PACKAGE_NAMES = {
    "os": "有機基板 Organic substrate (OS)",
    "fo-chip-first": "扇出型 Fan-out, chip-first",
    "fo-chip-last": "扇出型 Fan-out, chip-last",
    "si": "矽中介層 Silicon interposer (2.5D)",
}


@dataclass(frozen=True)
class CertificateContext:
    """Everything printed on one certificate.

    ``report_number``: the lab's report number (footer of every page); ``tenant_name`` /
    ``tenant_name_en``: the issuing programme office in Chinese / English; ``requester``: the applicant
    (company and/or person) as printed; ``title``: the request's title; ``issued_at``: issue time
    (aware or naive; printed as ``YYYY-MM-DD HH:MM`` plus its UTC offset if aware); ``spec``: the request
    spec given to the runner (hashed, SHA-256 of canonical JSON); ``results``: the runner's output;
    ``charts``: ``all_charts(results)``; ``simulator_version``: printed as given (normally
    ``results["simulator_version"]``).
    """

    report_number: str
    tenant_name: str
    tenant_name_en: str
    requester: str
    title: str
    issued_at: datetime
    spec: dict
    results: dict
    charts: dict[str, str]
    simulator_version: str


@lru_cache(maxsize=1)
def template_engine():
    """The private Django template engine (dirs = ``hwsim/templates``; i18n, l10n, humanize loadable)."""
    from django.template import Engine

    return Engine(
        dirs=[str(TEMPLATES_DIR)],
        app_dirs=False,
        libraries={
            "i18n": "django.templatetags.i18n",
            "l10n": "django.templatetags.l10n",
            "humanize": "django.contrib.humanize.templatetags.humanize",
        },
    )


def _digest(obj: object) -> str:
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _img(svg: str | None, alt: str = "") -> dict | None:
    """A chart as an ``<img>`` data URI: WeasyPrint renders it with its SVG renderer, without running
    each inline SVG ``style`` through the HTML CSS cascade (faster, and no "unknown property" logs)."""
    if not svg:
        return None
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return {"src": uri, "alt": alt}


def _value(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1e3:,.4g} ms"
    return f"{value:,.1f} {unit}"


def _ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1e3:,.4g}"


def _platform_row(p: dict) -> dict:
    c, a = p["config"], p["config"]["accelerator"]
    bw = "∞" if a["bandwidth_gbps"] is None else f"{a['bandwidth_gbps']:g}"
    link = "—" if c["chiplets"] == 1 else f"{c['link_bandwidth_gbps']:g} GB/s, {c['link_latency_ns']:g} ns"
    return {
        "key": p["key"],
        "name": p["name"],
        "array": f"{a['rows']}×{a['cols']}",
        "dataflow": a["dataflow"].upper(),
        "sram": f"{a['ifmap_sram_kib']}/{a['filter_sram_kib']}/{a['ofmap_sram_kib']}",
        "clock": f"{a['clock_ghz']:g}",
        "bandwidth": bw,
        "word": a["word_size_bytes"],
        "chiplets": c["chiplets"],
        "link": link,
        "node": c["node_nm"],
        "area": f"{c['chiplet_area_mm2']:g}",
        "package": PACKAGE_NAMES.get(c["package"], c["package"]),
    }


def certificate_template_context(context: CertificateContext) -> dict:
    """The dict the template sees (pre-formatted strings; shapes are internal to this module)."""
    results, charts = context.results, context.charts
    platforms, runs_total, runs_invalid = [], 0, 0
    for p in results["platforms"]:
        cost = p["cost"]
        workloads = []
        for w in p["workloads"]:
            scenarios = []
            for r in w["scenarios"]:
                runs_total += 1
                runs_invalid += not r["valid"]
                scenarios.append(
                    {
                        "name": r["scenario"],
                        "metric": r["metric"],
                        "value": _value(r["value"], r["unit"]),
                        "valid": r["valid"],
                        "reasons": r["reasons"],
                        "p50": _ms(r["percentiles_s"]["50"]),
                        "p90": _ms(r["percentiles_s"]["90"]),
                        "p99": _ms(r["percentiles_s"]["99"]),
                        "queries": f"{r['query_count']:,}",
                        "samples": f"{r['sample_count']:,}",
                        "max_batch": r["max_batch"],
                        "bound": _ms(r.get("latency_bound_s")),
                        "bound_source": r.get("latency_bound_source", ""),
                        "chart": _img(
                            charts.get(f"latency:{p['key']}:{w['key']}:{r['scenario']}"),
                            f"{r['scenario']} latency distribution",
                        ),
                    }
                )
            net = w["network"]
            basis = (
                "Offline samples/s per USD"
                if w["perf_per_usd_basis"] == "offline_samples_per_s"
                else "1/latency (1/s) per USD"
            )
            workloads.append(
                {
                    "key": w["key"],
                    "name": w["name"],
                    "name_zh": w.get("name_zh_hant", ""),
                    "batch": w["batch"],
                    "cycles": f"{net['cycles']:,}",
                    "macs": f"{net['macs']:,}",
                    "utilization": f"{net['utilization'] * 100:.1f} %",
                    "latency": _ms(net["latency_s"]),
                    "energy": f"{net['energy_j'] * 1e3:,.4g}",
                    "layers": len(w["layers"]),
                    "perf_per_usd": f"{w['perf_per_usd']:,.4g}",
                    "perf_basis": basis,
                    "scenarios": scenarios,
                    "chart": _img(charts.get(f"layers:{p['key']}:{w['key']}"), "per-layer cycles"),
                }
            )
        platforms.append(
            {
                "key": p["key"],
                "name": p["name"],
                "workloads": workloads,
                "cost_parts": [{"zh": zh, "en": en, "usd": f"{cost['parts'][k]:,.2f}"} for k, zh, en in COST_PARTS],
                "cost_total": f"{cost['total_cost_usd']:,.2f}",
                "die_yield": f"{cost['die_yield'] * 100:.2f} %",
                "package_yield": f"{cost['package_yield'] * 100:.2f} %",
                "chip_count": cost["chip_count"],
            }
        )
    names = {p["key"]: p["name"] for p in results["platforms"]}
    wnames = {w["key"]: w["name"] for p in results["platforms"] for w in p["workloads"]}
    summary = [
        {
            "platform": names[s["platform"]],
            "workload": wnames[s["workload"]],
            "scenario": s["scenario"],
            "value": _value(s["value"], s["unit"]),
            "valid": s["valid"],
        }
        for s in results["summary"]
    ]
    first = results["platforms"][0]
    issued = context.issued_at
    return {
        "c": context,
        "issued": issued.strftime("%Y-%m-%d %H:%M") + (issued.strftime(" UTC%z") if issued.tzinfo else ""),
        # W3C-DTF for the PDF metadata: a time needs a zone, so a naive datetime gives the date only
        "issued_w3c": issued.isoformat(timespec="seconds") if issued.tzinfo else issued.date().isoformat(),
        "platform_rows": [_platform_row(p) for p in results["platforms"]],
        "workload_rows": [
            {
                "name": w["name"],
                "name_zh": w.get("name_zh_hant", ""),
                "batch": w["batch"],
                "params": ", ".join(f"{k}={v}" for k, v in sorted(w["params"].items())) or "—",
            }
            for w in first["workloads"]
        ],
        "scenarios": ", ".join(results["scenarios"]),
        "seed": results["seed"],
        "quick": results["quick"],
        "spec_sha256": _digest(context.spec),
        "results_sha256": _digest(results),
        "platforms": platforms,
        "summary": summary,
        "runs_total": runs_total,
        "runs_invalid": runs_invalid,
        "all_valid": runs_invalid == 0,
        "cost_chart": _img(charts.get("cost"), "cost breakdown"),
        "perf_chart": _img(charts.get("perf_per_usd"), "performance per dollar"),
        "histogram_bins": HISTOGRAM_BINS,
    }


def render_certificate_html(context: CertificateContext) -> str:
    """The certificate as an HTML string (what WeasyPrint lays out). Raises ``KeyError`` on malformed results."""
    from django.template import Context

    template = template_engine().get_template("hwsim/certificate.html")
    return template.render(Context(certificate_template_context(context), autoescape=True))


def render_certificate_pdf(context: CertificateContext) -> bytes:
    """Render the certificate to PDF bytes (A4, fonts subset-embedded).

    The PDF ``created``/``modified`` metadata come from ``issued_at`` (HTML ``<meta>`` tags). Typical time
    on a 2-core machine: ~1 s for 1 platform × 1 workload without charts (3 pages), ~6 s for 2 platforms ×
    2 workloads × 4 scenarios with all 22 charts (14 pages, ~0.6 MB). Raises ``KeyError`` on malformed
    results.
    """
    from weasyprint import HTML

    html = render_certificate_html(context)
    return HTML(string=html, base_url=str(TEMPLATES_DIR)).write_pdf()
