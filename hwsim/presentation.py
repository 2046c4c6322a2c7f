"""The results of a verification as the lab pages show them: every code a translated label, every number
formatted (:mod:`hwsim.labels`), the verdict per platform × workload × scenario (:mod:`hwsim.verdict`).

:func:`results_view` is what ``hwsim/_results.html`` renders; :func:`verdict_view` the verdict table alone
(results page, API-free). Call them with the user's language active.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hwsim import labels as L
from hwsim import verdict


def _check_labels() -> dict[str, str]:
    return {
        "min_duration": _("Min duration satisfied"),
        "min_queries": _("Min queries satisfied"),
        "early_stopping": _("Early stopping satisfied"),
        "latency_bound": _("Latency bound satisfied"),
    }


def headline(summary: dict) -> str:
    """``"All 64 runs VALID"`` or ``"60 of 64 runs VALID, 4 INVALID"`` — never a bare "INVALID"."""
    if summary["all_valid"]:
        return ngettext("The run is VALID.", "All %(n)d runs are VALID.", summary["runs"]) % {"n": summary["runs"]}
    return ngettext(
        "%(valid)d of %(n)d run is VALID, %(invalid)d INVALID.",
        "%(valid)d of %(n)d runs are VALID, %(invalid)d INVALID.",
        summary["runs"],
    ) % {"valid": summary["valid"], "n": summary["runs"], "invalid": summary["invalid"]}


def verdict_view(results: dict) -> dict[str, Any]:
    """``{"headline", "runs", "valid", "invalid", "all_valid", "failed_checks": [{label, runs}], "rows": [...]}``;
    a row has the MLPerf result-table columns: system, accelerator, count, model, scenario, units, result,
    and ``valid`` with its validity ``lines`` (label, ok) and the simulator's ``reasons`` (English)."""
    summary = verdict.summarise(results)
    names = _check_labels()
    rows = [
        {
            "system": row["platform"],
            "accelerator": _("%(rows)d×%(cols)d systolic array, %(dataflow)s")
            % {"rows": row["rows"], "cols": row["cols"], "dataflow": L.dataflow_name(row["dataflow"]).lower()},
            "count": row["chiplets"],
            "model": L.workload_label(row["workload"], row["batch"]),
            "scenario": L.scenario_name(row["scenario"]),
            "units": L.metric_name(row["metric"]),
            "result": L.result_value(row["value"], row["unit"]),
            "valid": row["valid"],
            "lines": [{"label": names[k], "ok": ok} for k, ok in row["checks"].items() if ok is not None],
            "reasons": row["reasons"],
        }
        for row in summary["rows"]
    ]
    return {
        "headline": headline(summary),
        "runs": summary["runs"],
        "valid": summary["valid"],
        "invalid": summary["invalid"],
        "all_valid": summary["all_valid"],
        "failed_checks": [{"label": names[k], "runs": n} for k, n in summary["failed_checks"].items()],
        "rows": rows,
    }


def _platform(p: dict, charts: dict[str, str]) -> dict[str, Any]:
    c, a = p["config"], p["config"]["accelerator"]
    bandwidth = _("unlimited") if a["bandwidth_gbps"] is None else f"{a['bandwidth_gbps']:g} GB/s"
    cost = p["cost"]
    workloads = []
    for w in p["workloads"]:
        net = w["network"]
        scenarios = [
            {
                "scenario": L.scenario_name(s["scenario"]),
                "metric": L.metric_name(s["metric"]),
                "value": L.result_value(s["value"], s["unit"]),
                "p50": L.seconds(s["percentiles_s"]["50"]),
                "p90": L.seconds(s["percentiles_s"]["90"]),
                "p99": L.seconds(s["percentiles_s"]["99"]),
                "queries": s["query_count"],
                "max_batch": s["max_batch"],
                "valid": s["valid"],
                "bound": L.seconds(s["latency_bound_s"]) if s.get("latency_bound_s") else "",
                "reasons": s["reasons"],
                "chart": charts.get(f"latency:{p['key']}:{w['key']}:{s['scenario']}"),
            }
            for s in w["scenarios"]
        ]
        basis = w["perf_per_usd_basis"]
        workloads.append(
            {
                "title": L.workload_label(w["key"], w["batch"]),
                "task": L.WORKLOAD_TASKS.get(w["key"], ""),
                "cycles": net["cycles"],
                "macs": net["macs"],
                "utilization": f"{net['utilization'] * 100:.1f} %",
                "latency": L.seconds(net["latency_s"]),
                "energy": L.energy(net["energy_j"]),
                "perf": L.eng(w["perf_per_usd"]),
                "perf_basis": _("Offline samples/s per USD")
                if basis == "offline_samples_per_s"
                else _("1/latency (1/s) per USD"),
                "scenarios": scenarios,
                "chart": charts.get(f"layers:{p['key']}:{w['key']}"),
            }
        )
    return {
        "key": p["key"],
        "name": p["name"],
        "array": f"{a['rows']}×{a['cols']}",
        "dataflow": L.dataflow_name(a["dataflow"]),
        "clock": f"{a['clock_ghz']:g} GHz",
        "bandwidth": bandwidth,
        "chiplets": c["chiplets"],
        "node": f"{c['node_nm']} nm",
        "area": f"{c['chiplet_area_mm2']:g} mm²",
        "package": L.package_name(c["package"]),
        "cost_parts": [f"{cost['parts'][k]:,.2f}" for k in COST_KEYS],
        "cost_total": f"{cost['total_cost_usd']:,.2f}",
        "die_yield": f"{cost['die_yield'] * 100:.2f} %",
        "package_yield": f"{cost['package_yield'] * 100:.2f} %",
        "workloads": workloads,
    }


COST_KEYS = ("raw_chips_usd", "chip_defects_usd", "raw_package_usd", "package_defects_usd", "wasted_kgd_usd")


def results_view(results: dict, charts: dict[str, str]) -> dict[str, Any]:
    """Everything ``hwsim/_results.html`` shows, from ``results`` (hwsim.runner) and its stored ``charts``."""
    return {
        "quick": results["quick"],
        "simulator_version": results["simulator_version"],
        "seed": results["seed"],
        "scenarios": ", ".join(L.scenario_name(code) for code in results["scenarios"]),
        "verdict": verdict_view(results),
        "top_charts": [charts[k] for k in ("cost", "perf_per_usd") if k in charts],
        "platforms": [_platform(p, charts) for p in results["platforms"]],
    }
