"""What benefit tracking adds to the case page (registered with :mod:`cases.hooks`): the trend chart of each
KPI measured so far (baseline marked) and the link to the KPI page — for cases in service or closed, to those
who may see the KPIs (office staff, the case's case manager, the applicant). One or two queries."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from cases.benefits import charts, queries
from cases.benefits.services import RECORDING_STATES
from cases.hooks import case_section
from platform_site.rules import can


@case_section(order=60)
def benefits_section(request: Any, case: Any) -> str:
    """The benefit-tracking card, or "" before service or for a user who may not see the KPIs."""
    if case.state not in RECORDING_STATES or not can(request.user, "benefits.view_kpis", case):
        return ""
    grouped = queries.by_kind(queries.case_measurements(case))
    trends = [
        {"kind": kind, "svg": charts.trend_svg(kind, items, chart_id=f"s-{kind}")} for kind, items in grouped.items()
    ]
    context = {"case": case, "trends": trends, "can_record": can(request.user, "benefits.record_kpi", case)}
    return render_to_string("benefits/case_section.html", context, request=request)
