"""Money in billing templates: integer NTD with a comma every three digits in every language (1,050)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def ntd(value: Any) -> str:
    """``1050`` → ``"1,050"``; "" for None; the value itself when it is not a whole number."""
    if value is None or value == "":
        return ""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)
