"""The final-review deadline: held within one month after the preliminary review ends.

Seed 000_9617a3b789ca4d20.txt (複審): "初審結束後一個月內完成". The period is counted as 行政程序法 (Administrative
Procedure Act) §48 counts periods: the day it starts is not counted (§48 II); a period in months ends on the day
of the last month that corresponds to the starting day's date, or that month's last day when it has no such day
(§48 III); and when the last day is a Sunday, a national holiday or another rest day the period ends on the next
working day (§48 IV) — Taiwan's working days from ``holidays`` (:mod:`platform_site.workdays`).
"""

from __future__ import annotations

import calendar
import datetime as dt

from platform_site.workdays import is_working_day


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` calendar months on, clamped to the month's last day (01-31 + 1 → 02-28/29)."""
    if months < 0:
        raise ValueError("months must be >= 0")
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def final_review_due(preliminary_ended_on: dt.date, months: int = 1) -> dt.date:
    """The last day on which the final review (複審) may be held, for a preliminary review that ended on
    ``preliminary_ended_on`` (a date in Asia/Taipei) and the tenant's ``review_final_within_months``.

    E.g. ended Wednesday 2027-01-06 → due Saturday 2027-02-06, a rest day inside the Lunar New Year holidays
    (2027-02-04 … 2027-02-10 off in Taiwan) → due the next working day, Thursday 2027-02-11. Raises ValueError
    for a negative ``months``.
    """
    due = add_months(preliminary_ended_on, months)
    while not is_working_day(due):
        due += dt.timedelta(days=1)
    return due
