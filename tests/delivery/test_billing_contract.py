"""The delivery → billing contract (COMMON4 "Contracts" 1): billable_hours and mass_production_started_on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from cases.delivery.models import ReportHours as HoursRow
from cases.delivery.queries import ReportHours, billable_hours, mass_production_started_on
from platform_site.tenancy import tenant_scope
from tests.delivery.factories import group, in_service_case, report
from tests.factories import DemandCaseFactory, set_fields

pytestmark = pytest.mark.django_db


def test_only_acknowledged_reports_in_the_window_one_item_per_role_with_hours(world: Any) -> None:
    case = in_service_case(world)
    wg = group(case, lead=world.case_manager, state="active", kickoff_on=dt.date(2027, 1, 4))
    first = report(wg, 1, state="acknowledged", hours={"system_integration": "4", "software": "12.5", "chip": "0"})
    report(wg, 2, state="submitted", hours={"software": "8"})  # not acknowledged: not billable
    third = report(wg, 3, state="acknowledged", hours={"model_training": "3.25"})
    report(wg, 4, state="acknowledged", hours={"software": "99"})  # period_end 2027-02-28: outside the window
    other = in_service_case(world, reference="TSMP-2026-0002")
    report(group(other, state="active"), 1, state="acknowledged", hours={"software": "50"})  # another case

    with tenant_scope(world.a):
        items = billable_hours(case, start=dt.date(2027, 1, 17), end=dt.date(2027, 2, 14))

    # Report 1 ends 2027-01-17 (start of the window, inclusive), report 3 ends 2027-02-14 (end, inclusive).
    assert items == [
        ReportHours(first.pk, first.label, dt.date(2027, 1, 4), dt.date(2027, 1, 17), "software", Decimal("12.50")),
        ReportHours(
            first.pk, first.label, dt.date(2027, 1, 4), dt.date(2027, 1, 17), "system_integration", Decimal("4.00")
        ),
        ReportHours(
            third.pk, third.label, dt.date(2027, 2, 1), dt.date(2027, 2, 14), "model_training", Decimal("3.25")
        ),
    ]
    with translation.override("en"):
        assert first.label == "Progress report 1 (2027-01-04 – 2027-01-17)"
    assert str(items[0].hours) == "12.50"  # two decimal places


def test_window_before_or_without_a_work_group_is_empty(world: Any) -> None:
    case = in_service_case(world)
    with tenant_scope(world.a):
        assert billable_hours(case, start=dt.date(2027, 1, 1), end=dt.date(2027, 12, 31)) == []
    wg = group(case, state="active", kickoff_on=dt.date(2027, 1, 4))
    report(wg, 1, state="acknowledged", hours={"software": "1"})
    with tenant_scope(world.a):
        assert billable_hours(case, start=dt.date(2027, 1, 18), end=dt.date(2027, 12, 31)) == []


def test_negative_hours_are_refused_by_the_database(world: Any) -> None:
    wg = group(in_service_case(world), state="active", kickoff_on=dt.date(2027, 1, 4))
    row = report(wg, 1)
    with tenant_scope(world.a), pytest.raises(IntegrityError), transaction.atomic():
        HoursRow.objects.create(tenant=world.a, report=row, role="software", hours=Decimal("-1"))


def test_mass_production_date_only_for_a_closed_group_that_entered_it(world: Any) -> None:
    case = in_service_case(world)
    wg = group(case, state="active")
    with tenant_scope(world.a):
        assert mass_production_started_on(case) is None
        assert mass_production_started_on(DemandCaseFactory(tenant=world.a)) is None  # no work group
    set_fields(wg, state="closed", outcome="completed", mass_production=True, mass_production_on=dt.date(2027, 9, 1))
    with tenant_scope(world.a):
        assert mass_production_started_on(case) == dt.date(2027, 9, 1)
    set_fields(wg, mass_production=False, mass_production_on=None)
    with tenant_scope(world.a):
        assert mass_production_started_on(case) is None
