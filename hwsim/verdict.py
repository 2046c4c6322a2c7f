"""The verdict of a verification: one row per platform × workload × scenario, MLPerf result-table style.

Pure Python (no Django): used by the results page and the verification page (translated there) and by the
bilingual certificate. Columns mirror MLCommons' MLPerf Inference result tables — system, accelerator and
its count, model, scenario, units, result — and the validity lines of a LoadGen summary ("Min duration
satisfied", "Min queries satisfied", "Early stopping satisfied"; Server also its latency bound). The
lines are derived from the run's ``reasons`` (English, from :mod:`hwsim.engine.loadgen` and
:mod:`hwsim.runner`) by their stable prefixes:

* ``min duration not met`` → min duration ✗; ``min queries not met`` / ``min samples not met`` → min queries ✗;
* ``early stopping`` / ``aborted early`` → early stopping ✗ (Offline has no early stopping: ``None``);
* ``… exceeds bound`` / ``no target QPS meets`` → latency bound ✗ (Server only, else ``None``);
* a quick run (shortened below the rules) fails min duration and min queries by construction.

The headline never says only "INVALID": it counts (``"60 of 64 runs VALID, 4 INVALID"``), and the reasons
are counted per check.
"""

from __future__ import annotations

from typing import Any

CHECKS = ("min_duration", "min_queries", "early_stopping", "latency_bound")
_PREFIXES = {
    "min_duration": ("min duration not met",),
    "min_queries": ("min queries not met", "min samples not met"),
    "early_stopping": ("early stopping", "aborted early"),
    "latency_bound": ("no target QPS meets",),
}


def checks(run: dict, quick: bool) -> dict[str, bool | None]:
    """``{check: True (satisfied) / False / None (does not apply)}`` for one scenario run of the results."""
    reasons = run["reasons"]
    failed = {name: any(r.startswith(_PREFIXES[name]) for r in reasons) for name in CHECKS}
    failed["latency_bound"] |= any("exceeds bound" in r for r in reasons)
    if quick:
        failed["min_duration"] = failed["min_queries"] = True
    out: dict[str, bool | None] = {name: not failed[name] for name in CHECKS}
    if run["scenario"] == "Offline":
        out["early_stopping"] = None
    if run["scenario"] != "Server":
        out["latency_bound"] = None
    return out


def summarise(results: dict) -> dict[str, Any]:
    """The verdict of ``results`` (shape: :mod:`hwsim.runner`).

    Returns ``{"runs": n, "valid": v, "invalid": n - v, "all_valid": bool, "failed_checks": {check: runs},
    "rows": [{"platform_key", "platform", "rows", "cols", "dataflow", "chiplets", "workload", "batch",
    "scenario", "metric", "unit", "value", "valid", "checks": {…}, "reasons": [str]}, …]}`` in the order of
    the results (platforms, then workloads, then scenarios). Raises ``KeyError`` on malformed results.
    """
    rows, failed = [], dict.fromkeys(CHECKS, 0)
    quick = bool(results.get("quick"))
    for p in results["platforms"]:
        acc = p["config"]["accelerator"]
        for w in p["workloads"]:
            for run in w["scenarios"]:
                lines = checks(run, quick)
                for name, ok in lines.items():
                    failed[name] += ok is False
                rows.append(
                    {
                        "platform_key": p["key"],
                        "platform": p["name"],
                        "rows": acc["rows"],
                        "cols": acc["cols"],
                        "dataflow": acc["dataflow"],
                        "chiplets": p["config"]["chiplets"],
                        "workload": w["key"],
                        "batch": w["batch"],
                        "scenario": run["scenario"],
                        "metric": run["metric"],
                        "unit": run["unit"],
                        "value": run["value"],
                        "valid": bool(run["valid"]),
                        "checks": lines,
                        "reasons": list(run["reasons"]),
                    }
                )
    valid = sum(r["valid"] for r in rows)
    return {
        "runs": len(rows),
        "valid": valid,
        "invalid": len(rows) - valid,
        "all_valid": valid == len(rows),
        "failed_checks": {name: n for name, n in failed.items() if n},
        "rows": rows,
    }
