"""LineSpec: the contract between statements and invoices; free services are refused (seed 000, 收費規範)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from billing.enums import FREE_SERVICES, BillableService
from billing.lines import LineSpec


def test_a_billable_line_is_accepted() -> None:
    spec = LineSpec(
        BillableService.CONSUMABLES, "Sensors", Decimal("3"), "pcs", 1200, 3600, source_kind="x", source_id=1
    )
    assert spec.amount == 3600 and spec.taxable


def test_the_seed_names_exactly_three_free_services() -> None:
    # 000_9617a3b789ca4d20.txt 收費規範: 需求分析、媒合轉介、使用參考設計 → 免費服務
    assert FREE_SERVICES == {"needs_analysis", "matchmaking_referral", "reference_design"}


@pytest.mark.parametrize("service", sorted(FREE_SERVICES))
def test_free_services_are_refused(service: str) -> None:
    with pytest.raises(ValidationError) as info:
        LineSpec(service, "Analysis", Decimal("1"), "式", 1000, 1000)
    assert info.value.code == "free_service"
    with translation.override("en"):
        assert "free service" in str(info.value.messages[0])


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"service": "gold_plating"}, "unknown_service"),
        ({"description": " "}, "invalid_line"),
        ({"quantity": Decimal("-1")}, "invalid_line"),
        ({"quantity": Decimal("1.005")}, "invalid_line"),
        ({"unit_price": 10.5}, "invalid_line"),
        ({"amount": True}, "invalid_line"),
    ],
)
def test_invalid_lines_are_refused(kwargs: dict, code: str) -> None:
    base = {
        "service": BillableService.ROYALTY,
        "description": "Royalty Q1",
        "quantity": Decimal("1"),
        "unit": "式",
        "unit_price": 100,
        "amount": 100,
    }
    with pytest.raises(ValidationError) as info:
        LineSpec(**{**base, **kwargs})
    assert info.value.code == code
