"""The KPI formulas of benefit tracking, exact in ``Decimal`` (no floats).

Seed 001_f4b2551ebc037df1.txt (績效指標, 算式參考):

- ``ROI 算式：投資期間總利潤/投入成本`` — ROI = total profit over the investment period ÷ invested cost;
- ``OEE 算式：稼働率×產能效率×良率`` — OEE = availability × performance × quality, where
  availability (稼働率) = actual production time ÷ planned production time, performance (產能效率) = actual
  output ÷ standard output, quality (良率) = good units ÷ units produced — each a fraction in [0, 1].

The seed gives the formulas without worked numbers; the tests use hand-computed values.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: OEE factors are entered with at most 4 decimal places (0.9234 = 92.34 %); their product has at most 12.
FACTOR_PLACES = 4
#: ROI is stored to 6 decimal places (ROUND_HALF_UP); the exact ratio is total profit ÷ invested cost.
ROI_QUANTUM = Decimal("0.000001")
OEE_FACTORS = ("availability", "performance", "quality")


def as_decimal(value: object, field: str) -> Decimal:
    """``value`` as a finite Decimal (str, int or Decimal; floats are refused as inexact). Raises
    ValidationError ``{field: message}``."""
    if isinstance(value, float) or isinstance(value, bool):
        raise ValidationError({field: _("Enter a number.")}, code="invalid")
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")}, code="invalid") from None
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number.")}, code="invalid")
    return number


def oee(availability: object, performance: object, quality: object) -> Decimal:
    """OEE = availability × performance × quality (seed 001), each a fraction in [0, 1] with at most
    :data:`FACTOR_PLACES` decimal places; the product is exact (at most 12 decimal places).

    E.g. 0.9 × 0.95 × 0.99 = 0.846450. Raises ValidationError ``{factor: message}`` for every factor that is
    not a number, outside [0, 1] or too precise.
    """
    errors: dict[str, list] = {}
    factors: list[Decimal] = []
    for name, raw in zip(OEE_FACTORS, (availability, performance, quality), strict=True):
        try:
            number = as_decimal(raw, name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        if not Decimal(0) <= number <= Decimal(1):
            errors[name] = [_("Enter a fraction between 0 and 1 (e.g. 0.92 for 92 %).")]
        elif number.quantize(Decimal(1).scaleb(-FACTOR_PLACES)) != number:
            errors[name] = [_("Use at most 4 decimal places.")]
        else:
            factors.append(number)
    if errors:
        raise ValidationError(errors)
    with localcontext() as ctx:
        ctx.prec = 40  # 3 factors of ≤ 5 significant digits: the product is exact
        product = factors[0] * factors[1] * factors[2]
    return product


def roi(total_profit_ntd: object, invested_cost_ntd: object) -> Decimal:
    """ROI = total profit over the period ÷ invested cost (seed 001), both NTD integers; the ratio rounded
    half-up to 6 decimal places (NT$3,000,000 ÷ NT$2,000,000 = 1.5; a loss gives a negative ROI).

    Raises ValidationError ``{"invested_cost_ntd": …}`` for a zero or negative cost, ``{field: …}`` for a value
    that is not a whole number of NTD.
    """
    errors: dict[str, list] = {}
    values: dict[str, int] = {}
    for name, raw in (("total_profit_ntd", total_profit_ntd), ("invested_cost_ntd", invested_cost_ntd)):
        try:
            number = as_decimal(raw, name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        if number != number.to_integral_value():
            errors[name] = [_("Enter a whole number of NTD.")]
        else:
            values[name] = int(number)
    cost = values.get("invested_cost_ntd")
    if cost is not None and cost <= 0:
        errors["invested_cost_ntd"] = [
            _("The invested cost must be more than NT$0: ROI is the profit divided by the invested cost.")
        ]
    if errors:
        raise ValidationError(errors)
    with localcontext() as ctx:
        ctx.prec = 40
        ratio = Decimal(values["total_profit_ntd"]) / Decimal(cost)
    return ratio.quantize(ROI_QUANTUM, rounding=ROUND_HALF_UP)
