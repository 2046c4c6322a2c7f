"""The delivery demo: in-service cases with formed work groups, a run of biweekly reports with one overdue and
one returned, and a closed case in mass production (the benefits demo adds its KPIs)."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from django.core.management import call_command

from cases.delivery import demo
from cases.delivery.models import WorkGroup
from cases.delivery.queries import billable_hours, mass_production_started_on, overdue_reports
from cases.hooks import collect_funnel, render_dashboard_tables
from platform_site.models import Tenant
from platform_site.tenancy import tenant_scope


def test_seed_demo_gives_groups_reports_and_a_case_in_mass_production(db: Any) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    tsmp = Tenant.objects.get(slug="tsmp")
    with tenant_scope(tsmp):
        groups = list(WorkGroup.objects.order_by("pk"))
        assert [g.state for g in groups] == ["active", "active", "closed"]
        first = groups[0]
        assert first.uncovered_roles() == [] and first.lead is not None
        states = Counter(first.reports.values_list("state", flat=True))
        assert states == {"acknowledged": 3, "returned": 1, "submitted": 1, "due": 2, "draft": 1}
        assert [r.number for r in overdue_reports(tsmp)] == [6]
        case = demo.mass_production_case()
        assert case is not None and case.state == "closed"
        assert mass_production_started_on(case) == demo.mass_production_date()
        hours = billable_hours(
            case, start=demo.mass_production_date().replace(year=2000), end=demo.mass_production_date()
        )
        assert len({h.report_id for h in hours}) == 4
        funnel = {stage.key: stage.count for stage in collect_funnel(tsmp)}
        assert (funnel["work_group_formed"], funnel["mass_production"]) == (3, 1)
        tables = {t.key: t for t in render_dashboard_tables(tsmp)}
        assert len(tables["overdue-reports"].rows) == 1 and tables["overdue-reports"].danger_rows == frozenset({0})
        assert len(tables["active-work-groups"].rows) == 2
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    with tenant_scope(tsmp):
        assert WorkGroup.objects.count() == 3
