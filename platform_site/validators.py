"""Validators for Taiwan-specific identifiers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_UBN_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)


def is_valid_ubn(value: str) -> bool:
    """Return whether ``value`` is a valid 統一編號 (8-digit unified business number).

    Ministry of Finance check (rule in force since 2023-04-01): multiply the digits by the weights
    1,2,1,2,1,2,4,1, add up the digits of each product; the number is valid when the sum is divisible
    by 5, or, when the 7th digit is 7, when sum + 1 is divisible by 5. (python-stdnum still applies the
    pre-2023 divisible-by-10 rule, hence this function.)
    """
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        return False
    total = 0
    for digit, weight in zip(value, _UBN_WEIGHTS, strict=True):
        product = int(digit) * weight
        total += product // 10 + product % 10
    if total % 5 == 0:
        return True
    return value[6] == "7" and (total + 1) % 5 == 0


def validate_ubn(value: str) -> None:
    """Django validator for :func:`is_valid_ubn`; raises ``ValidationError`` code ``invalid_ubn``."""
    if value and not is_valid_ubn(value):
        raise ValidationError(
            _("%(value)s is not a valid unified business number (統一編號)."),
            code="invalid_ubn",
            params={"value": value},
        )
