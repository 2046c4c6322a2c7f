"""Biweekly progress reports (每兩週填報個案進度, seed 000_9617a3b789ca4d20.txt): the schedule (calendar-day periods,
working-day due dates, Lunar New Year 2027 from the ``holidays`` package's TW calendar: 2027-02-04..02-10 off),
overdue detection, the report lifecycle with hours, and idempotent reminders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from cases.delivery import reminders, services
from cases.delivery.queries import billable_hours, overdue_reports
from cases.delivery.schedule import ensure_reports, period, periods_begun
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused
from platform_site.workdays import is_working_day
from tests.delivery.factories import group, in_service_case
from tests.factories import reload

pytestmark = pytest.mark.django_db
D = dt.date


def test_periods_are_fourteen_calendar_days_due_the_next_working_day() -> None:
    first = period(D(2027, 1, 4), 1)  # Monday kickoff
    assert (first.start, first.end, first.due) == (D(2027, 1, 4), D(2027, 1, 17), D(2027, 1, 18))
    assert [p.start for p in periods_begun(D(2027, 1, 4), D(2027, 2, 1))] == [
        D(2027, 1, 4),
        D(2027, 1, 18),
        D(2027, 2, 1),
    ]
    assert periods_begun(D(2027, 1, 4), D(2027, 1, 3)) == []
    with pytest.raises(ValueError):
        period(D(2027, 1, 4), 0)


def test_lunar_new_year_moves_the_due_date_not_the_periods() -> None:
    # The holidays package (TW) has 2027-02-04 (Thu) .. 02-10 (Wed) off; 02-11 is a working day.
    assert [is_working_day(D(2027, 2, d)) for d in range(3, 12)] == [True] + [False] * 7 + [True]
    kickoff = D(2027, 1, 7)  # a Thursday
    second = period(kickoff, 2)
    assert (second.start, second.end) == (D(2027, 1, 21), D(2027, 2, 3))
    assert second.due == D(2027, 2, 11)  # after the holidays, not 2027-02-04
    third = period(kickoff, 3)
    assert (third.start, third.end, third.due) == (D(2027, 2, 4), D(2027, 2, 17), D(2027, 2, 18))


def _active_group(world: Any, kickoff: dt.date) -> Any:
    case = in_service_case(world)
    return group(case, lead=world.case_manager, state="active", kickoff_on=kickoff)


def test_overdue_only_after_the_shifted_due_date_and_missed_periods_stay(world: Any) -> None:
    wg = _active_group(world, D(2027, 1, 7))
    with tenant_scope(world.a):
        created = ensure_reports(wg, D(2027, 2, 10))
        assert [r.number for r in created] == [1, 2, 3]
        assert ensure_reports(wg, D(2027, 2, 10)) == []  # idempotent
        second = created[1]
        assert not second.is_overdue(D(2027, 2, 11))  # due that day, across Lunar New Year
        assert second.is_overdue(D(2027, 2, 12))
        assert [r.number for r in overdue_reports(world.a, D(2027, 2, 12))] == [1, 2]
        # Nothing filed for weeks: every period keeps its row, none skipped.
        ensure_reports(wg, D(2027, 3, 20))
        assert list(wg.reports.order_by("number").values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
        services.save_report(second, world.case_manager, work_done="完成資料標註")
        services.submit_report(second, world.case_manager)
        assert [r.number for r in overdue_reports(world.a, D(2027, 3, 20))] == [1, 3, 4, 5]


def test_report_lifecycle_with_hours(world: Any) -> None:
    wg = _active_group(world, D(2027, 1, 4))
    with tenant_scope(world.a):
        report = ensure_reports(wg, D(2027, 1, 4))[0]
        with pytest.raises(PermissionDenied):
            services.save_report(report, world.reviewer, work_done="x")
        with pytest.raises(ValidationError) as invalid:
            services.save_report(report, world.case_manager, work_done="x", hours={"software": "-1"})
        assert invalid.value.code == "negative_hours"
        assert reload(report).state == "due"  # nothing saved
        with pytest.raises(TransitionRefused) as refused:
            services.submit_report(report, world.case_manager)
        assert refused.value.code == "work_done_missing"
        services.save_report(
            report,
            world.case_manager,
            work_done="完成模型訓練",
            hours={"software": "12.5", "model_training": Decimal("3")},
        )
        assert reload(report).state == "draft"
        services.submit_report(report, world.case_manager)
        with pytest.raises(TransitionRefused) as refused:
            services.return_report(report, world.reviewer, "")
        assert refused.value.code == "comment_missing"
        services.return_report(report, world.reviewer, "請補上風險說明")
        returned = reload(report)
        assert (returned.state, returned.office_comments) == ("returned", "請補上風險說明")
        services.save_report(
            returned, world.case_manager, work_done="完成模型訓練", issues_risks="資料不足", hours={"software": "14"}
        )
        services.submit_report(returned, world.case_manager)
        with pytest.raises(PermissionDenied):
            services.acknowledge_report(returned, world.case_manager)
        services.acknowledge_report(returned, world.reviewer)
        with pytest.raises(TransitionRefused) as refused:
            services.save_report(returned, world.case_manager, work_done="改")
        assert refused.value.code == "not_editable"
        items = billable_hours(wg.case, start=D(2027, 1, 1), end=D(2027, 1, 31))
        assert [(i.role, i.hours) for i in items] == [("software", Decimal("14.00"))]


def test_reminders_once_per_report_and_kind(world: Any) -> None:
    wg = _active_group(world, D(2027, 1, 7))
    world.case_manager.email = "manager@example.tw"
    world.case_manager.save()
    world.reviewer.email = "office@example.tw"
    world.reviewer.save()
    with tenant_scope(world.a):
        ensure_reports(wg, D(2027, 1, 21))  # reports 1 (due 2027-01-21) and 2 (due 2027-02-11)
        mail.outbox.clear()
        sent = reminders.send_reminders(world.a, D(2027, 1, 20))  # the working day before report 1's due date
        assert sent["report_due_soon"] == 1 and sent["report_due_today"] == 0
        assert reminders.send_reminders(world.a, D(2027, 1, 20))["report_due_soon"] == 0  # idempotent
        assert reminders.send_reminders(world.a, D(2027, 1, 21))["report_due_today"] == 1
        assert reminders.send_reminders(world.a, D(2027, 1, 27))["report_week_late"] == 0
        late = reminders.send_reminders(world.a, D(2027, 1, 28))
        assert late["report_week_late"] == 1
        assert reminders.send_reminders(world.a, D(2027, 1, 29))["report_week_late"] == 0
        # Report 2 is due 2027-02-11 after Lunar New Year: "due soon" on 2027-02-03 (the last working day before).
        assert reminders.send_reminders(world.a, D(2027, 2, 2))["report_due_soon"] == 0
        assert reminders.send_reminders(world.a, D(2027, 2, 3))["report_due_soon"] == 1
    recipients = [m.to for m in mail.outbox]
    office = sorted(["office@example.tw", world.admin.email])  # office reviewers and tenant admins
    assert recipients == [["manager@example.tw"], ["manager@example.tw"], office, ["manager@example.tw"]]
    assert "TSMP-2026-0001" in mail.outbox[0].subject


def test_the_beat_task_creates_rows_and_sends_each_reminder_once(world: Any, settings: Any) -> None:
    from cases.delivery.tasks import run_delivery_schedule

    today = dt.date.today()
    wg = _active_group(world, today - dt.timedelta(days=30))
    world.case_manager.email = "manager@example.tw"
    world.case_manager.save()
    first = run_delivery_schedule()
    assert first["reports_created"] == 3
    again = run_delivery_schedule()
    assert again["reports_created"] == 0
    assert sum(v for k, v in again.items() if k != "reports_created") == 0
    with tenant_scope(world.a):
        assert wg.reports.count() == 3
