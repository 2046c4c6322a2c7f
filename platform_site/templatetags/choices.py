"""``{{ obj|choice_label:"field" }}``: a choice field's label, for list rows.

Django's ``get_FOO_display()`` rebuilds the field's choices dict (``make_hashable`` over every choice) on each
call — 65 µs a row for a case's state badge; this looks the label up in a dict built once per field. The
label is still translated on each call (the active language may differ per request).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template

register = template.Library()


@lru_cache(maxsize=64)
def _labels(model: type, field_name: str) -> dict[Any, Any]:
    return dict(model._meta.get_field(field_name).flatchoices)


@register.filter
def choice_label(obj: Any, field_name: str) -> str:
    """The display label of ``obj.<field_name>`` (the stored value itself when it is not a known choice)."""
    value = getattr(obj, field_name)
    return str(_labels(type(obj), field_name).get(value, value))
