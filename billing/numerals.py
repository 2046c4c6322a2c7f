"""Amounts in Chinese capital numerals (大寫數字) as printed on Taiwanese invoices and receipts: 新臺幣…元整.

The financial digits 零壹貳參肆伍陸柒捌玖 and units 拾佰仟 / 萬億兆 (Taiwan's usage writes 參 for 3, 壹拾 for 10 and
新臺幣 for the currency). The rules are the cheque-writing rules (正確填寫票據和結算憑證的基本規定, as republished
e.g. on rr78.com "阿拉伯數字轉中文大寫金額" and vamst.com "大寫數字"): the amount in 元 ends with 整; a zero
between digits is written 零, a run of zeros only one 零 (1,409 → 壹仟肆佰零玖, 6,007 → 陸仟零柒), none at the
end (107,000 → 壹拾萬柒仟); ten is 壹拾 (十萬 → 壹拾萬). So 1,050 → 新臺幣壹仟零伍拾元整.
"""

from __future__ import annotations

DIGITS = "零壹貳參肆伍陸柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
BIG_UNITS = ("", "萬", "億", "兆")


def _group(value: int) -> str:
    """0 < value < 10000 in capitals, with inner zeros as one 零 and no trailing zero (e.g. 1050 → 壹仟零伍拾)."""
    digits = f"{value:04d}"
    out: list[str] = []
    pending_zero = False
    started = False
    for index, char in enumerate(digits):
        digit = int(char)
        unit = SMALL_UNITS[3 - index]
        if digit == 0:
            pending_zero = started
            continue
        if pending_zero:
            out.append(DIGITS[0])
            pending_zero = False
        out.append(DIGITS[digit] + unit)
        started = True
    return "".join(out)


def capital_numerals(amount: int) -> str:
    """``amount`` (integer NTD, 0 ≤ amount < 10**16) in capitals without currency, e.g. 1050 → 壹仟零伍拾.

    Raises ValueError for a negative, non-integer or too large amount.
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0 or amount >= 10**16:
        raise ValueError(f"amount out of range: {amount!r}")
    if amount == 0:
        return DIGITS[0]
    groups: list[int] = []
    rest = amount
    while rest:
        groups.append(rest % 10000)
        rest //= 10000
    out: list[str] = []
    need_zero = False
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or value < 1000):
            out.append(DIGITS[0])
        out.append(_group(value) + BIG_UNITS[index])
        need_zero = False
    return "".join(out)


def ntd_in_words(amount: int) -> str:
    """``新臺幣`` + :func:`capital_numerals` + ``元整``: 1050 → 新臺幣壹仟零伍拾元整 (the invoice's amount line)."""
    return f"新臺幣{capital_numerals(amount)}元整"
