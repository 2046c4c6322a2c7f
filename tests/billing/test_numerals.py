"""Amounts in capital numerals (新臺幣…元整); examples from the cheque-writing rules cited in billing.numerals."""

from __future__ import annotations

import pytest

from billing.numerals import capital_numerals, ntd_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (1_050, "新臺幣壹仟零伍拾元整"),  # the example
        (1_409, "新臺幣壹仟肆佰零玖元整"),  # zero inside a group: one 零
        (6_007, "新臺幣陸仟零柒元整"),  # a run of zeros: one 零
        (107_000, "新臺幣壹拾萬柒仟元整"),  # trailing zeros: none; 十萬 → 壹拾萬
        (10, "新臺幣壹拾元整"),
        (100_000, "新臺幣壹拾萬元整"),
        (100_500, "新臺幣壹拾萬零伍佰元整"),
        (1_000_001, "新臺幣壹佰萬零壹元整"),
        (100_010_000, "新臺幣壹億零壹萬元整"),
        (123_456_789, "新臺幣壹億貳仟參佰肆拾伍萬陸仟柒佰捌拾玖元整"),
        (0, "新臺幣零元整"),
    ],
)
def test_published_examples(amount: int, words: str) -> None:
    assert ntd_in_words(amount) == words


@pytest.mark.parametrize("bad", [-1, 1.5, True, 10**16])
def test_out_of_range_is_refused(bad: object) -> None:
    with pytest.raises(ValueError):
        capital_numerals(bad)  # type: ignore[arg-type]
