"""The framework-free statement computations, with golden values worked out by hand from the rules of seed
000_9617a3b789ca4d20.txt (收費規範): NRE (b) = Σ(hours × rate) × the tier discount, at-cost items undiscounted,
the applicant's share ≤ 50%; royalties split by contribution share; maintenance at actual cost."""

import random
from datetime import date
from decimal import Decimal

import pytest

from billing.maintenance import EQUIPMENT, LABOUR, UsageInput, compute_maintenance
from billing.money import ntd, times
from billing.nre import CostItem, LabourInput, SupplierItem, compute_nre
from billing.royalty import BASIS_PER_UNIT, BASIS_PERCENT, Party, compute_royalty, split, validate_shares

R1 = (date(2026, 3, 2), date(2026, 3, 13))
R2 = (date(2026, 3, 16), date(2026, 3, 27))


def _labour():
    return [
        LabourInput(1, "2026-03-02 – 03-13", *R1, "architecture", Decimal("12.50"), 2000, 7),
        LabourInput(1, "2026-03-02 – 03-13", *R1, "software", Decimal("20.00"), 1600, 8),
        LabourInput(2, "2026-03-16 – 03-27", *R2, "software", Decimal("7.25"), 1600, 8),
        LabourInput(2, "2026-03-16 – 03-27", *R2, "system_integration", Decimal("3.75"), 1850, 9),
    ]


COSTS = [
    CostItem("consumables", "探針卡耗材", 3200),
    CostItem("prototyping", "PCB 打樣", 15000),
    CostItem("trial_production", "少量試製 20 片", 40000),
]


def test_money_rounds_half_up_never_to_even():
    assert ntd(Decimal("0.5")) == 1 and ntd(Decimal("1.5")) == 2 and ntd(Decimal("2.5")) == 3  # round() gives 2
    assert times(Decimal("3.75"), 1850) == 6938  # 6,937.5
    with pytest.raises(TypeError):
        times(1.5, 100)


def test_nre_with_the_tier_discount_and_undiscounted_costs():
    """Tier 1, local linkage 4 → the TSMP table's 25% (review.rubric_presets.TSMP_TIER_DISCOUNTS)."""
    result = compute_nre(_labour(), share_percent=25, costs=COSTS)
    assert [line.amount for line in result.labour_lines] == [25000, 32000, 11600, 6938]
    assert result.labour_gross == 75538
    assert result.labour_discounted == 18885  # 75,538 × 25% = 18,884.5 → half-up
    assert result.labour_cap == 37769
    assert result.cap_binding is False
    assert result.labour_due == 18885
    assert result.labour_discount_amount == 56653
    assert result.costs_total == 58200  # 3,200 + 15,000 + 40,000, at cost: not × 25%
    assert result.subtotal == 18885 + 58200 == 77085


def test_nre_cap_binding_for_a_share_above_half():
    result = compute_nre(_labour(), share_percent=60, costs=COSTS)
    assert result.labour_discounted == 45323  # 45,322.8
    assert result.cap_binding is True
    assert result.labour_due == 37769  # floor(75,538 / 2)
    assert result.subtotal == 37769 + 58200


def test_nre_cap_exactly_half_is_not_binding_but_rounding_past_half_is():
    even = compute_nre(_labour(), share_percent=50)
    assert (even.labour_discounted, even.labour_cap, even.cap_binding, even.labour_due) == (37769, 37769, False, 37769)
    odd = compute_nre([LabourInput(3, "r", *R1, "software", Decimal("1.00"), 1001)], share_percent=50)
    assert (odd.labour_discounted, odd.labour_cap, odd.cap_binding, odd.labour_due) == (501, 500, True, 500)


def test_nre_supplier_items_are_agreed_amounts_added_as_is():
    items = [SupplierItem("晶心模組", "模組設計 NRE", 120000, "NRE 協議書 2026-014")]
    result = compute_nre(_labour(), share_percent=Decimal("32.5"), supplier_items=items)
    assert result.labour_discounted == 24550  # 75,538 × 32.5% = 24,549.85
    assert result.supplier_total == 120000
    assert result.subtotal == 144550
    assert result.as_dict()["supplier_items"][0]["document"] == "NRE 協議書 2026-014"


def test_nre_recompute_is_identical():
    assert compute_nre(_labour(), share_percent=25, costs=COSTS) == compute_nre(
        _labour(), share_percent=25, costs=COSTS
    )


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"share_percent": 101}, ValueError),
        ({"share_percent": -1}, ValueError),
        ({"share_percent": 25, "costs": [CostItem("consumables", "x", -1)]}, ValueError),
        ({"share_percent": 25, "costs": [CostItem("needs_analysis", "x", 1)]}, ValueError),
        ({"share_percent": 25, "costs": [CostItem("consumables", "x", 1.0)]}, TypeError),
    ],
)
def test_nre_refuses_bad_input(kwargs, error):
    with pytest.raises(error):
        compute_nre(_labour(), **kwargs)


def test_nre_refuses_negative_or_overprecise_hours():
    for bad in (Decimal("-1"), Decimal("1.005")):
        with pytest.raises(ValueError):
            compute_nre([LabourInput(1, "r", *R1, "software", bad, 1600)], share_percent=25)


PARTIES = (
    Party("platform", "平台", Decimal("40")),
    Party("org:1", "晶心模組", Decimal("35")),
    Party("org:2", "邊緣智能", Decimal("25")),
)


def test_royalty_percent_of_net_sales_split_by_largest_remainder():
    result = compute_royalty(basis=BASIS_PERCENT, parties=PARTIES, net_sales=1234567, rate_percent="3")
    assert result.exact_due == Decimal("37037.01") and result.due == 37037
    # exact 14,814.80 / 12,962.95 / 9,259.25: floors 14,814 + 12,962 + 9,259 = 37,035, two NTD left → the
    # largest remainders .95 (org:1) and .80 (platform).
    assert [p.amount for p in result.parts] == [14815, 12963, 9259]
    assert [p.rounded_up for p in result.parts] == [True, True, False]
    assert sum(p.amount for p in result.parts) == result.due


def test_royalty_three_equal_thirds():
    thirds = (Party("a", "A", Decimal("33.34")), Party("b", "B", Decimal("33.33")), Party("c", "C", Decimal("33.33")))
    assert [p.amount for p in split(100, thirds)] == [34, 33, 33]
    # 101: exact 33.6734 / 33.6633 / 33.6633 → 33 each, two left: a (largest), then b before c (tie, order).
    assert [p.amount for p in split(101, thirds)] == [34, 34, 33]
    assert [p.amount for p in split(1, thirds)] == [1, 0, 0]
    assert [p.amount for p in split(0, thirds)] == [0, 0, 0]


def test_royalty_ties_go_in_party_order():
    halves = (Party("a", "A", Decimal("50")), Party("b", "B", Decimal("50")))
    assert [p.amount for p in split(101, halves)] == [51, 50]
    reversed_halves = tuple(reversed(halves))
    assert [(p.party.key, p.amount) for p in split(101, reversed_halves)] == [("b", 51), ("a", 50)]


def test_royalty_per_unit():
    result = compute_royalty(basis=BASIS_PER_UNIT, parties=PARTIES, units=333, amount_per_unit="0.15")
    assert (result.exact_due, result.due) == (Decimal("49.95"), 50)
    assert [p.amount for p in result.parts] == [20, 18, 12]  # 20.0 / 17.5 / 12.5 → 20 17 12, one left: .5 tie → org:1


def test_royalty_parts_always_sum_to_the_total():
    rng = random.Random(11)
    for _ in range(500):
        n = rng.randint(1, 6)
        cuts = sorted(rng.sample(range(1, 10000), n - 1))
        shares = [Decimal(b - a) / 100 for a, b in zip([0, *cuts], [*cuts, 10000], strict=True)]
        parties = [Party(str(i), str(i), s) for i, s in enumerate(shares)]
        total = rng.randint(0, 10_000_000)
        parts = split(total, parties)
        assert sum(p.amount for p in parts) == total
        assert all(abs(p.amount - p.exact) < 1 for p in parts)
        assert split(total, parties) == parts  # recompute from the same inputs: identical


@pytest.mark.parametrize(
    "shares",
    [
        [Decimal("50"), Decimal("49.99")],
        [Decimal("60"), Decimal("40.01")],
        [Decimal("100.5"), Decimal("-0.5")],
        [Decimal("33.333"), Decimal("33.333"), Decimal("33.334")],
        [],
    ],
)
def test_royalty_shares_must_sum_to_exactly_100(shares):
    with pytest.raises(ValueError):
        validate_shares(shares)


def test_royalty_refuses_negative_sales():
    with pytest.raises(ValueError):
        compute_royalty(basis=BASIS_PERCENT, parties=PARTIES, net_sales=-1, rate_percent="3")
    with pytest.raises(ValueError):
        compute_royalty(basis="flat", parties=PARTIES, net_sales=1)


def test_maintenance_at_actual_cost_without_discount():
    result = compute_maintenance(
        [
            UsageInput(EQUIPMENT, "晶圓探針台", Decimal("3.50"), 2400, 1),
            UsageInput(EQUIPMENT, "恆溫恆濕箱", Decimal("0.75"), 1250, 2),
            UsageInput(LABOUR, "system_integration", Decimal("4.25"), 1600, 9),
        ]
    )
    assert [line.amount for line in result.lines] == [8400, 938, 6800]  # 937.5 → 938
    assert (result.equipment_total, result.labour_total, result.total) == (9338, 6800, 16138)


def test_maintenance_refuses_bad_usage():
    with pytest.raises(ValueError):
        compute_maintenance([UsageInput("discount", "x", Decimal("1"), 1)])
    with pytest.raises(ValueError):
        compute_maintenance([UsageInput(LABOUR, "x", Decimal("1"), -5)])
