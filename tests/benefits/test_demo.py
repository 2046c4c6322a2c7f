"""The benefit-tracking demo (cases/benefits/demo.py through ``manage.py seed_demo``): a case closed after
service with a year of monthly KPI measurements and baselines, shown on the dashboard."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from cases.benefits import dashboard
from cases.benefits.demo import CLOSED_TITLE
from cases.benefits.models import KpiMeasurement
from cases.delivery.demo import MASS_PRODUCTION_TITLE
from cases.delivery.queries import mass_production_started_on
from cases.enums import CaseState
from cases.models import DemandCase
from platform_site.models import ActivityLog, Tenant
from platform_site.tenancy import tenant_scope

pytestmark = pytest.mark.django_db


def test_the_demo_closed_case_has_a_year_of_kpis():
    call_command("seed_demo", stdout=io.StringIO())
    tsmp = Tenant.objects.get(slug="tsmp")
    with tenant_scope(tsmp):
        case = DemandCase.objects.get(title=CLOSED_TITLE)
        assert case.state == CaseState.CLOSED
        oee = list(KpiMeasurement.objects.filter(case=case, kind="oee").order_by("period_end"))
        assert [m.is_baseline for m in oee] == [True] + [False] * 12
        assert oee[0].value == Decimal("0.61659")  # 0.78 × 0.85 × 0.93
        assert oee[-1].value == Decimal("0.79443")  # 0.91 × 0.90 = 0.819; × 0.97 = 0.79443 (the 12th month)
        months = {(m.period_end.year, m.period_end.month) for m in oee[1:]}
        assert len(months) == 12
        assert KpiMeasurement.objects.filter(case=case, kind="roi").count() == 4
        assert ActivityLog.objects.filter(object_id=case.pk, action="kpi_recorded").count() == (
            KpiMeasurement.objects.filter(case=case).count()
        )
        assert case.title == MASS_PRODUCTION_TITLE and mass_production_started_on(case) is not None
        stages = {s.key: s.count for s in dashboard.case_funnel(tsmp)}
    assert stages["closed"] == 1 and stages["in_service"] >= 2  # the one closed case is delivery's
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    with tenant_scope(tsmp):
        assert DemandCase.objects.filter(title=CLOSED_TITLE).count() == 1
        assert KpiMeasurement.objects.filter(kind="oee").count() == 13
