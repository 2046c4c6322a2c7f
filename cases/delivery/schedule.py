"""The biweekly progress-report schedule (每兩週填報個案進度, seed 000_9617a3b789ca4d20.txt).

**Periods run on calendar days; due dates on Taiwan working days.** Period ``n`` (1, 2, …) covers the 14 calendar
days ``[kickoff + 14·(n−1), kickoff + 14·n − 1]``, and its report is due on the first Taiwan working day after
the period ends (``platform_site.workdays``: weekends, public holidays from the ``holidays`` package, make-up
workdays). Why: "every two weeks" (每兩週) is a calendar cadence — the work group meets on the same weekday
every other week, and the hours billed per report must cover every calendar day exactly once with no gaps or
overlaps, which working-day periods would not (a period over Lunar New Year would stretch to three calendar
weeks and the next periods would drift off the meeting weekday). The *due date* is moved to a working day
because nobody can be asked to file on a holiday: a period ending on Wednesday 2027-02-03 is due on Thursday
2027-02-11, after the Lunar New Year holidays 2027-02-04..02-10 (``holidays`` 0.109, TW), and it is overdue
only from 2027-02-12.

A report is **overdue** when it was never handed in (due or draft) and today (Asia/Taipei) is after its
due date; missed periods keep their rows (never skipped): :func:`ensure_reports` creates a row for every period
that has begun.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max

from cases.delivery.enums import WorkGroupState
from cases.delivery.models import ProgressReport, WorkGroup
from platform_site.activity import log_event
from platform_site.actors import SYSTEM
from platform_site.enums import ActivityAction
from platform_site.workdays import add_working_days

PERIOD_DAYS = 14


@dataclass(frozen=True)
class Period:
    """Report ``number``'s period [``start``, ``end``] (calendar days) and its ``due`` date (a working day)."""

    number: int
    start: dt.date
    end: dt.date
    due: dt.date


def period(kickoff: dt.date, number: int) -> Period:
    """Period ``number`` (≥ 1) of a schedule kicked off on ``kickoff``. Raises ValueError for number < 1."""
    if number < 1:
        raise ValueError("number must be >= 1")
    start = kickoff + dt.timedelta(days=PERIOD_DAYS * (number - 1))
    end = start + dt.timedelta(days=PERIOD_DAYS - 1)
    return Period(number, start, end, add_working_days(end, 1))


def periods_begun(kickoff: dt.date, today: dt.date) -> list[Period]:
    """Every period that has begun by ``today`` (inclusive), first first; [] before the kickoff."""
    if today < kickoff:
        return []
    count = (today - kickoff).days // PERIOD_DAYS + 1
    return [period(kickoff, n) for n in range(1, count + 1)]


def ensure_reports(work_group: Any, today: dt.date) -> list[Any]:
    """Create the ``due`` report rows of every period of ``work_group`` that has begun by ``today`` and has no row
    yet (idempotent; only while the group is kicked off — active or completion proposed). Returns the new rows.
    Logs ``created`` (the anchor of the report's reminders) by the system."""
    if work_group.kickoff_on is None or work_group.state not in (
        WorkGroupState.ACTIVE,
        WorkGroupState.COMPLETION_PROPOSED,
    ):
        return []
    created = []
    with transaction.atomic():
        WorkGroup.objects.select_for_update().filter(pk=work_group.pk).first()  # one writer per group
        last = ProgressReport.objects.filter(work_group=work_group).aggregate(n=Max("number"))["n"] or 0
        for item in periods_begun(work_group.kickoff_on, today):
            if item.number <= last:
                continue
            row = ProgressReport.objects.create(
                work_group=work_group,
                number=item.number,
                period_start=item.start,
                period_end=item.end,
                due_on=item.due,
            )
            log_event(row, ActivityAction.CREATED, SYSTEM, data={"number": item.number, "due_on": item.due})
            created.append(row)
    return created
