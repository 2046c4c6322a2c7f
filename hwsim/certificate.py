"""PDF certificate: the bilingual 跨平台效能驗證報告 (Cross-Platform Performance Verification Report).

The AI-chip verification lab issues cross-platform performance verification reports based on
mainstream AI models and MLPerf test items (seed ``003_fa9863a310fbdc37.txt``, O3 KR1 and "AI晶片系統
驗證實驗室"). :func:`render_certificate_pdf` renders ``hwsim/templates/hwsim/certificate.html`` (A4,
Traditional Chinese + English, page numbers and the report number in the footer) with WeasyPrint.

Inputs come from :func:`hwsim.reports.build_report` (run by the worker when a job succeeds, through
:func:`certificate_pdf`): the ``results`` of :func:`hwsim.runner.run_verification`, its ``charts`` from
:func:`hwsim.charts.all_charts` (inlined as SVG; a missing chart is simply left out) and the request
``spec`` (only hashed here: the inputs shown are the normalised ones echoed in ``results``).

The certificate prints its *digest* (:func:`certificate_digest`, SHA-256 over what it states) and the URL
of the public verification page; it says plainly that the results are simulated, not MLPerf® results
(MLPerf is a trademark of MLCommons). Codes are printed as bilingual names (``PACKAGE_NAMES``,
``DATAFLOW_NAMES``, ``SCENARIO_NAMES``, ``MODEL_NAMES``); numbers with SI prefixes
(:func:`hwsim.labels.eng`). Abbreviations are defined once, in the legend under the platform table.

The template is rendered by a private Django template engine on this app's ``templates`` directory, so it
works whether or not ``hwsim`` is in ``INSTALLED_APPS``; Django settings must be configured (they are in
the portal and in pytest-django).

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

from hwsim import verdict
from hwsim.labels import eng
from hwsim.runner import HISTOGRAM_BINS

__all__ = [
    "CertificateContext",
    "certificate_digest",
    "certificate_pdf",
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
    "os": "有機基板 Organic substrate",
    "fo-chip-first": "扇出型（先置晶片）Fan-out, chip-first",
    "fo-chip-last": "扇出型（後置晶片）Fan-out, chip-last",
    "si": "矽中介層 Silicon interposer (2.5D)",
}
DATAFLOW_NAMES = {
    "os": "輸出駐留 Output stationary",
    "ws": "權重駐留 Weight stationary",
    "is": "輸入駐留 Input stationary",
}
SCENARIO_NAMES = {
    "SingleStream": "單一串流 Single stream",
    "MultiStream": "多重串流 Multi stream",
    "Server": "伺服器 Server",
    "Offline": "離線 Offline",
}
MODEL_NAMES = {
    "resnet50_v1_5": "ResNet-50 v1.5",
    "mobilenet_v1": "MobileNet v1",
    "bert_large": "BERT-Large",
    "resnet18": "ResNet-18",
}
METRIC_NAMES = {
    "samples per second": "每秒樣本數 Samples per second",
    "scheduled samples per second": "每秒排程樣本數 Scheduled samples per second",
}
CHECK_NAMES = {
    "min_duration": "最短執行時間 Min duration",
    "min_queries": "最少查詢數 Min queries",
    "early_stopping": "提前停止 Early stopping",
    "latency_bound": "延遲上限 Latency bound",
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
    ``results["simulator_version"]``); ``verification_url``: the public verification page (printed if given).
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
    verification_url: str = ""


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
    return eng(value, unit)


def _ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1e3:,.4g}"


def _metric(metric: str) -> str:
    if metric in METRIC_NAMES:
        return METRIC_NAMES[metric]
    pct, _, rest = metric.partition(" ")
    zh = "延遲（提前停止估計）" if rest.startswith("early-stopping") else "延遲"
    en = "latency (early-stopping estimate)" if rest.startswith("early-stopping") else "latency"
    return f"第 {pct[1:]} 百分位{zh} {pct[1:]}th-percentile {en}"


def _check_lines(checks: dict) -> list[dict]:
    marks = {True: "✓", False: "✗"}
    return [{"name": CHECK_NAMES[k], "ok": ok, "text": marks[ok]} for k, ok in checks.items() if ok is not None]


def _face(context: CertificateContext, summary: dict, issued: str) -> dict:
    """What the first page states (the verification page shows exactly this, nothing more)."""
    results = context.results
    return {
        "report_number": context.report_number,
        "tenant_name": context.tenant_name,
        "tenant_name_en": context.tenant_name_en,
        "requester": context.requester,
        "title": context.title,
        "issued": issued,
        "simulator_version": context.simulator_version,
        "platforms": [p["name"] for p in results["platforms"]],
        "workloads": [
            {"key": w["key"], "batch": w["batch"]} for w in (results["platforms"][0]["workloads"] if results else [])
        ],
        "scenarios": list(results["scenarios"]),
        "quick": bool(results["quick"]),
        "runs": summary["runs"],
        "valid": summary["valid"],
        "invalid": summary["invalid"],
    }


def certificate_digest(face: dict, spec_sha256: str, results_sha256: str) -> str:
    """SHA-256 (hex) of what the certificate states: its face plus the request and results digests."""
    return _digest({"face": face, "spec_sha256": spec_sha256, "results_sha256": results_sha256})


def _platform_row(p: dict) -> dict:
    c, a = p["config"], p["config"]["accelerator"]
    bw = "∞" if a["bandwidth_gbps"] is None else f"{a['bandwidth_gbps']:g}"
    link = "—" if c["chiplets"] == 1 else f"{c['link_bandwidth_gbps']:g} GB/s, {c['link_latency_ns']:g} ns"
    return {
        "key": p["key"],
        "name": p["name"],
        "array": f"{a['rows']}×{a['cols']}",
        "dataflow": DATAFLOW_NAMES.get(a["dataflow"], a["dataflow"]),
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
                        "name": SCENARIO_NAMES.get(r["scenario"], r["scenario"]),
                        "metric": _metric(r["metric"]),
                        "value": _value(r["value"], r["unit"]),
                        "valid": r["valid"],
                        "reasons": r["reasons"],
                        "checks": _check_lines(verdict.checks(r, results["quick"])),
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
                            f"{SCENARIO_NAMES.get(r['scenario'], r['scenario'])} latency distribution",
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
                    "energy": eng(net["energy_j"], "J"),
                    "layers": len(w["layers"]),
                    "perf_per_usd": eng(w["perf_per_usd"]),
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
    verdict_summary = verdict.summarise(results)
    summary = [
        {
            "platform": row["platform"],
            "accelerator": f"{row['rows']}×{row['cols']} {DATAFLOW_NAMES.get(row['dataflow'], row['dataflow'])}",
            "count": row["chiplets"],
            "model": f"{MODEL_NAMES.get(row['workload'], row['workload'])}（batch {row['batch']}）",
            "scenario": SCENARIO_NAMES.get(row["scenario"], row["scenario"]),
            "units": _metric(row["metric"]),
            "value": _value(row["value"], row["unit"]),
            "valid": row["valid"],
            "checks": _check_lines(row["checks"]),
        }
        for row in verdict_summary["rows"]
    ]
    first = results["platforms"][0]
    issued = context.issued_at
    issued_text = issued.strftime("%Y-%m-%d %H:%M") + (issued.strftime(" UTC%z") if issued.tzinfo else "")
    face = _face(context, verdict_summary, issued_text)
    spec_sha256, results_sha256 = _digest(context.spec), _digest(results)
    return {
        "c": context,
        "face": face,
        "digest": certificate_digest(face, spec_sha256, results_sha256),
        "issued": issued_text,
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
        "scenarios": "、".join(SCENARIO_NAMES.get(code, code) for code in results["scenarios"]),
        "seed": results["seed"],
        "quick": results["quick"],
        "spec_sha256": spec_sha256,
        "results_sha256": results_sha256,
        "platforms": platforms,
        "summary": summary,
        "runs_total": runs_total,
        "runs_invalid": runs_invalid,
        "runs_valid": runs_total - runs_invalid,
        "all_valid": runs_invalid == 0,
        "failed_checks": [{"name": CHECK_NAMES[k], "runs": n} for k, n in verdict_summary["failed_checks"].items()],
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


def certificate_pdf(request, job, charts: dict[str, str], verification_url: str = "") -> tuple[bytes, str, dict]:
    """The PDF certificate of a succeeded ``job`` of ``request`` (A4, bilingual): ``(pdf, digest, face)``.

    ``charts``: ``all_charts(job.results, labels)`` in the certificate's language; ``digest``: what
    :func:`certificate_digest` prints on it; ``face``: the statements the verification page may show.
    Raises ValueError if the job has not succeeded or the request has no report number.
    """
    from django.utils import timezone

    if job.state != "succeeded" or not request.report_number:
        raise ValueError("only a succeeded job has a certificate")
    person = request.requester.get_full_name() or request.requester.username
    tenant = request.tenant
    context = CertificateContext(
        report_number=request.report_number,
        tenant_name=tenant.name,
        tenant_name_en=tenant.name_en,
        requester=f"{request.requester_org.name} · {person}" if request.requester_org else person,
        title=request.title,
        issued_at=timezone.localtime(job.finished_at),
        spec=job.spec,
        results=job.results,
        charts=charts,
        simulator_version=job.results.get("simulator_version", ""),
        verification_url=verification_url,
    )
    data = certificate_template_context(context)
    return render_certificate_pdf(context), data["digest"], data["face"]
