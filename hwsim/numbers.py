"""Engineering number format with SI prefixes (pure Python: the charts use it too, without Django).

Source of the prefixes: BIPM, The International System of Units (SI), 9th edition (2019), table 7.
"""

from __future__ import annotations

import math

__all__ = ["eng"]

_SI = {-24: "y", -21: "z", -18: "a", -15: "f", -12: "p", -9: "n", -6: "µ", -3: "m", 0: "", 3: "k", 6: "M", 9: "G"}
_SI.update({12: "T", 15: "P", 18: "E", 21: "Z", 24: "Y"})
_SI_SYMBOLS = frozenset({"s", "J", "W", "B", "Hz"})


def eng(value: float | None, unit: str = "", digits: int = 4) -> str:
    """``value`` with ``digits`` significant digits and an SI prefix, then ``unit``.

    ``eng(0.001447, "s")`` → ``"1.447 ms"``; ``eng(5.245e-18, "samples/s")`` → ``"5.245 a samples/s"`` (a
    prefix before a word unit stands apart; before an SI symbol — s, J, W, B, Hz — it is joined);
    ``eng(1234567)`` → ``"1.235 M"``; ``eng(999.96)`` → ``"1.000 k"``. ``None`` / NaN / ±inf → ``"—"``;
    0 → ``"0 <unit>"``. Beyond 10^±24 the Y / y prefix stays (``1e30`` → ``"1000000 Y"``).
    """
    if value is None or not math.isfinite(value):
        return "—"
    if value == 0:
        return f"0 {unit}".strip()
    exp3 = max(-24, min(24, math.floor(math.log10(abs(value)) / 3) * 3))
    mantissa = float(f"{value / 10**exp3:.{digits}g}")
    if abs(mantissa) >= 1000 and exp3 < 24:  # rounding carried into the next prefix (999.96 → 1.000 k)
        exp3 += 3
        mantissa = float(f"{value / 10**exp3:.{digits}g}")
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(mantissa))))
    text, prefix = f"{mantissa:.{decimals}f}", _SI[exp3]
    if not unit:
        return f"{text} {prefix}".rstrip()
    if unit in _SI_SYMBOLS or not prefix:
        return f"{text} {prefix}{unit}"
    return f"{text} {prefix} {unit}"
