"""The final-review deadline (seed 000_9617a3b789ca4d20.txt: 初審結束後一個月內完成), counted as 行政程序法 §48."""

import datetime as dt

import pytest

from review.deadlines import add_months, final_review_due

pytestmark = pytest.mark.no_services  # tests/conftest.py: the PostgreSQL pass skips it


@pytest.mark.parametrize(
    ("ended", "due"),
    [
        (dt.date(2026, 12, 1), dt.date(2027, 1, 4)),  # 2027-01-01 Founding Day (Fri), then the weekend → Mon 01-04
        (dt.date(2027, 1, 6), dt.date(2027, 2, 11)),  # 02-06 falls in Lunar New Year (02-04 … 02-10) → Thu 02-11
        (dt.date(2027, 3, 3), dt.date(2027, 4, 7)),  # 04-03 Sat … 04-06 Children's Day observed → Wed 04-07
        (dt.date(2027, 5, 12), dt.date(2027, 6, 14)),  # 06-12 Sat, 06-13 Sun → Mon 06-14 (no holiday, a weekend)
        (dt.date(2026, 12, 9), dt.date(2027, 1, 11)),  # 01-09 Sat → Mon 01-11
        (dt.date(2027, 6, 2), dt.date(2027, 7, 2)),  # an ordinary Friday: due that very day
    ],
)
def test_final_review_due_rolls_past_rest_days(ended: dt.date, due: dt.date) -> None:
    assert final_review_due(ended) == due


def test_month_without_the_same_day_ends_on_its_last_day() -> None:
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)
    # 2027-02-28 is Peace Memorial Day (a Sunday, observed Mon 03-01): the period then ends Tue 03-02.
    assert final_review_due(dt.date(2027, 1, 31)) == dt.date(2027, 3, 2)


def test_negative_months_are_refused() -> None:
    with pytest.raises(ValueError, match="months"):
        add_months(dt.date(2027, 1, 1), -1)
