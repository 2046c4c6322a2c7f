"""Small template helpers."""

from django import template

register = template.Library()


@register.filter
def absolute(value: int) -> int:
    """``|absolute``: the absolute value of an integer (e.g. working days overdue)."""
    return abs(value)


@register.simple_tag
def can(user: object, perm: str, obj: object = None) -> bool:
    """``{% can user "app.perm" obj as allowed %}``: :func:`platform_site.rules.can` (rules only, no
    superuser short-cut), e.g. for a menu link."""
    from platform_site.rules import can as rules_can

    return rules_can(user, perm, obj)
