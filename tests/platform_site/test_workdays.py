"""Taiwan working days (holidays package, TW calendar) for the 5-working-day qualification due date.

Holiday dates: Directorate-General of Personnel Administration 2026 calendar (春節 2026-02-14..22 incl.
the observed 2026-02-20; 228 observed 2026-02-27), as the `holidays` package encodes them.
"""

import datetime as dt

import pytest

from platform_site.workdays import add_working_days, is_working_day, working_days_between

pytestmark = pytest.mark.no_services  # tests/conftest.py: the PostgreSQL pass skips it

D = dt.date


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2026, 11, 23), 5, D(2026, 11, 30)),  # Monday → next Monday
        (D(2026, 11, 27), 5, D(2026, 12, 4)),  # Friday → next Friday
        (D(2026, 11, 28), 5, D(2026, 12, 4)),  # Saturday submission counts from Monday
        (D(2026, 2, 12), 5, D(2026, 2, 26)),  # across Lunar New Year: 13th, 23rd, 24th, 25th, 26th
        (D(2026, 2, 13), 1, D(2026, 2, 23)),  # Friday before New Year → first day back
        (D(2026, 2, 24), 3, D(2026, 3, 2)),  # 25th, 26th, (27th observed 228 holiday), Mar 2
        (D(2025, 12, 30), 2, D(2026, 1, 2)),  # 31st, (Jan 1 holiday), Jan 2
    ],
)
def test_add_working_days(start, days, due):
    assert add_working_days(start, days) == due


def test_zero_days_is_the_same_day_and_negative_is_an_error():
    assert add_working_days(D(2026, 11, 23), 0) == D(2026, 11, 23)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 11, 23), -1)


def test_working_days_between_counts_left_and_overdue():
    assert working_days_between(D(2026, 11, 23), D(2026, 11, 30)) == 5
    assert working_days_between(D(2026, 11, 30), D(2026, 11, 30)) == 0
    assert working_days_between(D(2026, 12, 2), D(2026, 11, 30)) == -2
    assert working_days_between(D(2026, 2, 12), D(2026, 2, 26)) == 5


def test_holidays_and_weekends_are_not_working_days():
    assert is_working_day(D(2026, 2, 17)) is False  # 春節
    assert is_working_day(D(2026, 11, 28)) is False  # Saturday
    assert is_working_day(D(2026, 11, 24)) is True
