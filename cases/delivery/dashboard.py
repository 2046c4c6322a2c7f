"""Delivery's contributions to the office dashboard (cases.hooks; the page and exports are the benefits app's):

- table ``overdue-reports``: every overdue progress report (all rows in red: ``danger_rows``);
- table ``active-work-groups``: groups formed, in service or with completion proposed;
- table ``partner-load``: per partner, its accepted assignments in open groups and those waiting for its answer;
- funnel stages ``work_group_formed`` (order 80: cases whose work group was ever formed) and
  ``mass_production`` (order 95: closed cases that entered 量產/銷售).

Each provider runs a fixed number of queries whatever the number of cases (one or two).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.delivery.enums import ACTIVE_GROUP_STATES, AssignmentState, WorkGroupState
from cases.delivery.models import Assignment, WorkGroup
from cases.delivery.queries import overdue_reports
from cases.hooks import DashboardTable, FunnelStage, dashboard_table, funnel_stages


def _name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


@dashboard_table(order=60)
def overdue_reports_table(tenant: Any) -> DashboardTable:
    today = timezone.localdate()
    rows = [
        [
            r.work_group.case.reference,
            r.work_group.case.title,
            r.number,
            r.period_start,
            r.period_end,
            r.due_on,
            (today - r.due_on).days,
            _name(r.work_group.lead),
        ]
        for r in overdue_reports(tenant, today)
    ]
    columns = [
        _("Case"),
        _("Title"),
        _("Report"),
        _("Period start"),
        _("Period end"),
        _("Due"),
        _("Days late"),
        _("Case manager"),
    ]
    return DashboardTable("overdue-reports", _("Overdue progress reports"), columns, rows, frozenset(range(len(rows))))


@dashboard_table(order=61)
def active_groups_table(tenant: Any) -> DashboardTable:
    groups = (
        WorkGroup.objects.filter(state__in=ACTIVE_GROUP_STATES)
        .select_related("case", "lead")
        .annotate(partners=Count("assignments", filter=Q(assignments__state=AssignmentState.ACCEPTED)))
        .order_by("kickoff_on", "pk")
    )
    labels = dict(WorkGroupState.choices)
    rows = [
        [g.case.reference, g.case.title, str(labels[g.state]), _name(g.lead), g.kickoff_on, g.partners] for g in groups
    ]
    columns = [_("Case"), _("Title"), _("Status"), _("Case manager"), _("Kickoff"), _("Partners")]
    return DashboardTable("active-work-groups", _("Active work groups"), columns, rows)


@dashboard_table(order=62)
def partner_load_table(tenant: Any) -> DashboardTable:
    open_groups = [WorkGroupState.FORMING, *ACTIVE_GROUP_STATES]
    load = (
        Assignment.objects.filter(
            work_group__state__in=open_groups, state__in=[AssignmentState.ACCEPTED, AssignmentState.PROPOSED]
        )
        .values("partner_id", "partner__organization__name")
        .annotate(
            accepted=Count("pk", filter=Q(state=AssignmentState.ACCEPTED)),
            waiting=Count("pk", filter=Q(state=AssignmentState.PROPOSED)),
            groups=Count("work_group", distinct=True),
        )
        .order_by("-accepted", "partner__organization__name", "partner_id")
    )
    rows = [[row["partner__organization__name"], row["groups"], row["accepted"], row["waiting"]] for row in load]
    columns = [_("Partner"), _("Work groups"), _("Accepted assignments"), _("Waiting for an answer")]
    return DashboardTable("partner-load", _("Partner load"), columns, rows)


@funnel_stages
def delivery_funnel(tenant: Any) -> list[FunnelStage]:
    counts = WorkGroup.objects.aggregate(
        formed=Count("pk", filter=Q(formed_at__isnull=False)),
        mass=Count("pk", filter=Q(state=WorkGroupState.CLOSED, mass_production=True)),
    )
    return [
        FunnelStage(80, "work_group_formed", _("Work group formed"), counts["formed"]),
        FunnelStage(95, "mass_production", _("In mass production / sales"), counts["mass"]),
    ]
