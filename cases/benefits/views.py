"""Thin HTML views of benefit tracking and the office dashboard (permission, read, render).

Non-members get 404 (``tenant_member_required``); members who may not see the dashboard get 403 (as the
other office pages); a case whose KPIs the user may not see is a 404 (as a case they may not see). Outside a
programme or grant-call office every page is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases.apps import CASE_TENANT_KINDS
from cases.benefits import charts, exports, queries, services
from cases.benefits.enums import KpiKind
from cases.benefits.forms import SERVICE_FIELDS, MeasurementForm
from cases.hooks import DashboardTable, render_dashboard_tables
from platform_site.rules import can
from platform_site.views import tenant_member_required

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _office_tenant(request: HttpRequest) -> None:
    if request.tenant.kind not in CASE_TENANT_KINDS:
        raise Http404


def _dashboard_tables(request: HttpRequest) -> list[DashboardTable]:
    _office_tenant(request)
    if not can(request.user, "benefits.view_dashboard", request.tenant):
        raise PermissionDenied
    return render_dashboard_tables(request.tenant)


@tenant_member_required
def dashboard(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """The tenant's office dashboard: the funnel (bars), then every registered table with its CSV / XLSX
    links; the cells are :func:`cases.benefits.exports.cell_text` (the same text as the CSV)."""
    tables = _dashboard_tables(request)
    shown = [
        {
            "table": t,
            "rows": [
                {"cells": [exports.cell_text(c) for c in row], "danger": i in t.danger_rows}
                for i, row in enumerate(t.rows)
            ],
        }
        for t in tables
    ]
    funnel = next((t for t in tables if t.key == "funnel"), None)
    top = max((row[1] for row in funnel.rows), default=0) if funnel else 0
    bars = [
        {"label": row[0], "count": row[1], "width": round(100 * row[1] / top) if top else 0}
        for row in (funnel.rows if funnel else [])
    ]
    return render(request, "benefits/dashboard.html", {"tables": shown, "funnel": bars})


@tenant_member_required
def export(request: HttpRequest, tenant_slug: str, key: str, fmt: str) -> HttpResponse:
    """One dashboard table as ``<key>.csv`` or ``<key>.xlsx`` (404 for an unknown table or format)."""
    if fmt not in EXPORT_TYPES:
        raise Http404
    table = next((t for t in _dashboard_tables(request) if t.key == key), None)
    if table is None:
        raise Http404
    body = exports.to_csv(table) if fmt == "csv" else exports.to_xlsx(table)
    response = HttpResponse(body, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{request.tenant.slug}-{key}.{fmt}"'
    return response


@tenant_member_required
def case_kpis(request: HttpRequest, tenant_slug: str, case_pk: int) -> HttpResponse:
    """The KPI page of a case: a trend chart per KPI, the measurements, and (for its case manager and office
    reviewers) the form to record one; a bad measurement re-renders the form with the errors (400)."""
    _office_tenant(request)
    case = queries.get_case_for_kpis(request.user, request.tenant, case_pk)
    can_record = can(request.user, "benefits.record_kpi", case)
    form = MeasurementForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        if form.is_valid():
            data = {name: form.cleaned_data.get(name) for name in SERVICE_FIELDS}
            try:
                services.record_measurement(request.user, case, data, form.cleaned_data.get("evidence"))
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    form.add_service_errors(exc.message_dict)
                else:
                    form.add_service_errors({"evidence": exc.messages})
            else:
                messages.success(request, _("The measurement was recorded."))
                return redirect("benefits:case_kpis", tenant_slug=tenant_slug, case_pk=case.pk)
        status = 400
    measurements = queries.case_measurements(case)
    grouped = queries.by_kind(measurements)
    trends = [
        {"kind": kind, "label": KpiKind(kind).label, "svg": charts.trend_svg(kind, items), "items": items}
        for kind, items in grouped.items()
    ]
    context = {"case": case, "trends": trends, "form": form if can_record else None}
    return render(request, "benefits/case_kpis.html", context, status=status)


@tenant_member_required
def chart(request: HttpRequest, tenant_slug: str, case_pk: int, kind: str) -> HttpResponse:
    """The trend chart of one KPI of a case as ``image/svg+xml`` (404 for an unknown KPI)."""
    _office_tenant(request)
    case = queries.get_case_for_kpis(request.user, request.tenant, case_pk)
    if kind not in KpiKind.values:
        raise Http404
    items = [m for m in queries.case_measurements(case) if m.kind == kind]
    return HttpResponse(charts.trend_svg(kind, items), content_type="image/svg+xml; charset=utf-8")


@tenant_member_required
def evidence(request: HttpRequest, tenant_slug: str, pk: int) -> FileResponse:
    """The evidence file of a measurement, to whoever may see the case's KPIs (404 otherwise or without one)."""
    _office_tenant(request)
    measurement = queries.get_measurement_for_user(request.user, request.tenant, pk)
    if not measurement.evidence:
        raise Http404
    return FileResponse(
        measurement.evidence.open("rb"),
        as_attachment=True,
        filename=measurement.evidence_name or "evidence",
        content_type=measurement.evidence_content_type or "application/octet-stream",
    )
