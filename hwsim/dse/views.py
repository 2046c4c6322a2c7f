"""Design-space exploration pages, mounted under /t/<tenant_slug>/lab/dse/ (lab staff; other members 404).

List, new sweep (form), detail with the one progress bar over all chunks (htmx poll of the status partial),
cancel, results (two SVG scatter charts with the fronts highlighted and the front tables, one query for the
points), and "verify this configuration" (POST: a verification request prefilled with that platform).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hwsim.dse import queries as dse_queries
from hwsim.dse import services as dse_services
from hwsim.dse.charts import scatter_svg, si
from hwsim.dse.forms import DATAFLOW_CHOICES, PARTITIONING_CHOICES, DseRequestForm
from hwsim.engine import dse
from hwsim.engine.workloads import BUILTIN_WORKLOADS
from hwsim.enums import JobState, PackageType, Scenario
from hwsim.models import DseRequest
from hwsim.views import lab_member_required
from platform_site.activity import history
from platform_site.pagination import paginate
from platform_site.rules import can
from platform_site.transitions import TransitionRefused

REASONS = {
    "duplicate": gettext_lazy("same platform as “whole array” with one chiplet"),
    "indivisible": gettext_lazy("columns not divisible by the chiplet count"),
    "die_too_large": gettext_lazy("die larger than the reticle"),
    "interposer_too_large": gettext_lazy("interposer too large"),
    "packaging": gettext_lazy("not manufacturable in this package"),
    "latency_bound": gettext_lazy("no batch meets the Server latency bound"),
}


def _sweep(request: HttpRequest, pk: Any, perm: str = "hwsim.view_dse") -> DseRequest:
    if not can(request.user, "hwsim.view_dse", request.tenant):
        raise Http404
    return dse_queries.get_sweep_for_user(request.user, request.tenant, pk, perm)


def workload_name(key: str) -> str:
    info = BUILTIN_WORKLOADS.get(key)
    if info is None:
        return key
    return info.name_zh_hant if (get_language() or "").lower().startswith("zh") else info.name_en


def describe_spec(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) rows describing a stored sweep, every code shown by its display name."""
    dataflows, partitions = dict(DATAFLOW_CHOICES), dict(PARTITIONING_CHOICES)
    bandwidth = spec.get("bandwidth_gbps")
    return [
        (_("Workload"), workload_name(spec["workload"])),
        (_("Batch size"), str(spec["batch"])),
        (_("Scenario"), str(Scenario(spec["scenario"]).label)),
        (_("Array shapes (rows × columns)"), ", ".join(f"{r}×{c}" for r, c in spec["shapes"])),
        (_("Dataflows"), ", ".join(str(dataflows[d]) for d in spec["dataflows"])),
        (_("SRAM sizes (KiB)"), ", ".join(map(str, spec["sram_kib"]))),
        (_("Clocks (GHz)"), ", ".join(f"{c:g}" for c in spec["clock_ghz"])),
        (_("Chiplet counts"), ", ".join(map(str, spec["chiplets"]))),
        (_("Partitioning"), ", ".join(str(partitions[p]) for p in spec["partitioning"])),
        (_("Process nodes"), ", ".join(f"{n} nm" for n in spec["nodes"])),
        (_("Packages"), ", ".join(str(PackageType(p).label) for p in spec["packages"])),
        (_("DRAM bandwidth per chiplet (GB/s)"), f"{bandwidth:g}" if bandwidth else _("unlimited")),
        (_("Production volume (units)"), f"{spec['volume']:,}"),
    ]


def _row(spec: dse.SweepSpec, point: dict[str, Any]) -> dict[str, Any]:
    cfg = dse.config_at(spec, point["index"])
    dataflows, partitions = dict(DATAFLOW_CHOICES), dict(PARTITIONING_CHOICES)
    return {
        "index": point["index"],
        "platform": _("%(n)d × %(rows)d×%(cols)d array")
        % {"n": cfg.chiplets, "rows": cfg.rows, "cols": cfg.chiplet_cols},
        "dataflow": dataflows[cfg.dataflow],
        "partitioning": partitions[cfg.partitioning],
        "sram": f"{cfg.sram_kib} KiB",
        "clock": f"{cfg.clock_ghz:g} GHz",
        "node": f"{cfg.node_nm} nm",
        "package": PackageType(cfg.package).label,
        "throughput": si(point["throughput"], _("samples/s")),
        "latency": si(point["latency_s"], "s"),
        "energy": si(point["energy_j"], _("J/sample")),
        "cost": f"US$ {point['unit_cost_usd']:,.2f}",
        "nre": f"US$ {point['nre_per_unit_usd']:,.2f}",
        "area": f"{point['area_mm2']:,.1f} mm²",
    }


@lab_member_required
def sweep_list(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    if not can(request.user, "hwsim.view_dse", request.tenant):
        raise PermissionDenied
    qs = dse_queries.sweep_list(request.user, request.tenant)
    return render(
        request,
        "hwsim/dse/list.html",
        {"page": paginate(request, qs), "can_create": can(request.user, "hwsim.create_dse", request.tenant)},
    )


@lab_member_required
def sweep_create(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    if not can(request.user, "hwsim.create_dse", request.tenant):
        raise PermissionDenied
    form = DseRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sweep = dse_services.create_sweep(
            request.user, title=form.cleaned_data["title"], spec=form.cleaned_data["spec"]
        )
        messages.success(request, _("Sweep submitted: %(n)s configurations are queued.") % {"n": f"{sweep.size:,}"})
        return redirect("hwsim_dse:detail", tenant_slug=tenant_slug, pk=sweep.pk)
    return render(request, "hwsim/dse/form.html", {"form": form}, status=400 if form.errors else 200)


def _detail_context(request: HttpRequest, sweep: DseRequest, **extra: Any) -> dict[str, Any]:
    context = {
        "sweep": sweep,
        "can_cancel": not sweep.is_terminal and can(request.user, "hwsim.cancel_dse", sweep),
        "history": history(sweep),
    }
    return context | extra


@lab_member_required
def sweep_detail(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    sweep = _sweep(request, pk)
    return render(
        request, "hwsim/dse/detail.html", _detail_context(request, sweep, spec_rows=describe_spec(sweep.spec))
    )


@lab_member_required
def sweep_status(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    """The progress partial; htmx polls it every second while the sweep is queued or running."""
    sweep = _sweep(request, pk)
    return render(request, "hwsim/dse/_status.html", _detail_context(request, sweep))


@require_POST
@lab_member_required
def sweep_cancel(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    sweep = _sweep(request, pk, "hwsim.cancel_dse")
    try:
        dse_services.cancel_sweep(sweep, request.user, comment=request.POST.get("comment", "")[:4000])
    except TransitionRefused as exc:
        context = _detail_context(request, sweep, spec_rows=describe_spec(sweep.spec), error=exc.message)
        return render(request, "hwsim/dse/detail.html", context, status=409)
    messages.success(request, _("The sweep was cancelled."))
    return redirect("hwsim_dse:detail", tenant_slug=tenant_slug, pk=sweep.pk)


@lab_member_required
def sweep_results(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    sweep = _sweep(request, pk)
    if sweep.state != JobState.SUCCEEDED:
        messages.info(request, _("The results are not available yet."))
        return redirect("hwsim_dse:detail", tenant_slug=tenant_slug, pk=sweep.pk)
    spec = dse_services.sweep_spec(sweep)
    results = sweep.results
    points = dse_services.stored_points(sweep)
    front_points = {int(i): p for i, p in results["points"].items()}

    def describe(point: dict[str, Any]) -> str:
        row = _row(spec, point)
        return f"#{row['index']} · {row['platform']} · {row['node']} · {row['package']}"

    x_label = _("Throughput (samples/s)")
    charts = {
        "cost": scatter_svg(
            points,
            results["fronts"]["cost"],
            "unit_cost_usd",
            x_label=x_label,
            y_label=_("Unit cost incl. NRE (US$)"),
            y_unit="$",
            describe=describe,
            chart_id="chart-cost",
            link_prefix="row-cost-",
        ),
        "energy": scatter_svg(
            points,
            results["fronts"]["energy"],
            "energy_j",
            x_label=x_label,
            y_label=_("Energy per sample (J)"),
            y_unit="J",
            describe=describe,
            chart_id="chart-energy",
            link_prefix="row-energy-",
        ),
    }
    fronts = [
        {
            "key": key,
            "title": title,
            "chart": charts[key],
            "rows": [
                _row(spec, front_points[i])
                for i in sorted(results["fronts"][key], key=lambda i: -front_points[i]["throughput"])
            ],
        }
        for key, title in (
            ("cost", _("Pareto front: throughput against unit cost")),
            ("energy", _("Pareto front: throughput against energy per sample")),
        )
    ]
    reasons = [(REASONS.get(code, code), n) for code, n in results["reasons"].items()]
    context = {
        "sweep": sweep,
        "results": results,
        "fronts": fronts,
        "reasons": reasons,
        "spec_rows": describe_spec(sweep.spec),
        "can_verify": can(request.user, "hwsim.verify_dse_point", sweep) and can(request.user, "hwsim.create_request"),
    }
    return render(request, "hwsim/dse/results.html", context)


@require_POST
@lab_member_required
def verify_point(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    """Turn the posted configuration index into a verification request and open it."""
    sweep = _sweep(request, pk, "hwsim.verify_dse_point")
    try:
        index = int(request.POST.get("index", ""))
        vr = dse_services.verify_point(request.user, sweep, index)
    except ValueError:
        messages.error(request, _("Only a configuration on a Pareto front of a finished sweep can be verified."))
        return redirect("hwsim_dse:detail", tenant_slug=tenant_slug, pk=sweep.pk)
    messages.success(request, _("Verification request created from configuration %(n)d.") % {"n": index})
    return redirect("hwsim:detail", tenant_slug=tenant_slug, pk=vr.pk)
