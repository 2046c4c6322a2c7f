"""OEE and ROI exactly (seed 001_f4b2551ebc037df1.txt gives the formulas — OEE 算式：稼働率×產能效率×良率, ROI
算式：投資期間總利潤/投入成本 — without worked numbers; the values below are computed by hand)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cases.benefits.formulas import oee, roi
from cases.benefits.models import format_value


@pytest.mark.parametrize(
    ("a", "p", "q", "expected"),
    [
        # 0.9 × 0.95 = 0.855; 0.855 × 0.99 = 0.84645
        ("0.9", "0.95", "0.99", Decimal("0.84645")),
        # 0.7800 × 0.8500 = 0.663; 0.663 × 0.9300 = 0.61659 (the demo's baseline)
        ("0.7800", "0.8500", "0.9300", Decimal("0.61659")),
        # 0.9234 × 0.8765 = 0.80936010; × 0.9999 = 0.809279163990 (12 places, exact)
        ("0.9234", "0.8765", "0.9999", Decimal("0.809279163990")),
        ("1", "1", "1", Decimal("1")),
        ("0", "0.5", "0.5", Decimal("0")),
    ],
)
def test_oee_is_the_exact_product(a, p, q, expected):
    assert oee(a, p, q) == expected
    assert oee(Decimal(a), Decimal(p), Decimal(q)) == expected


def test_oee_display_is_a_percent_rounded_half_up():
    assert format_value("oee", Decimal("0.84645")) == "84.65 %"
    assert format_value("oee", Decimal("0.61659")) == "61.66 %"


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (("1.01", "0.9", "0.9"), "availability"),
        (("0.9", "-0.1", "0.9"), "performance"),
        (("0.9", "0.9", "92"), "quality"),
        (("abc", "0.9", "0.9"), "availability"),
        (("0.9", "0.9", "0.12345"), "quality"),
        (("NaN", "0.9", "0.9"), "availability"),
        ((0.9, "0.9", "0.9"), "availability"),  # floats are inexact: refused
    ],
)
def test_oee_factor_errors_name_the_factor(bad, field):
    with pytest.raises(ValidationError) as exc:
        oee(*bad)
    assert set(exc.value.message_dict) == {field}


def test_oee_outside_the_range_says_so():
    with pytest.raises(ValidationError) as exc:
        oee("1.2", "0.9", "0.9")
    assert "between 0 and 1" in exc.value.message_dict["availability"][0]


@pytest.mark.parametrize(
    ("profit", "cost", "expected"),
    [
        (3_000_000, 2_000_000, Decimal("1.5")),  # NT$3,000,000 ÷ NT$2,000,000
        (900_000, 3_000_000, Decimal("0.3")),  # the demo's first quarter
        (1_000_000, 3_000_000, Decimal("0.333333")),  # 0.3333333… rounded half-up to 6 places
        (2_000_000, 3_000_000, Decimal("0.666667")),
        (-500_000, 2_000_000, Decimal("-0.25")),  # a loss
        ("0", "1", Decimal("0")),
    ],
)
def test_roi_is_profit_over_cost(profit, cost, expected):
    assert roi(profit, cost) == expected


@pytest.mark.parametrize("cost", [0, "0", -1])
def test_roi_with_no_invested_cost_is_a_clear_error(cost):
    with pytest.raises(ValidationError) as exc:
        roi(1_000_000, cost)
    assert "invested cost must be more than" in exc.value.message_dict["invested_cost_ntd"][0]


def test_roi_needs_whole_ntd():
    with pytest.raises(ValidationError) as exc:
        roi("100.5", "x")
    assert set(exc.value.message_dict) == {"total_profit_ntd", "invested_cost_ntd"}
