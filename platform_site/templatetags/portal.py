"""Small template helpers."""

from django import template

register = template.Library()


@register.filter
def absolute(value: int) -> int:
    """``|absolute``: the absolute value of an integer (e.g. working days overdue)."""
    return abs(value)
