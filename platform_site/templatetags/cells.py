"""Cheap helpers for cells that repeat on every row of a list page (measured by benchmarks/portal_pages.py).

* ``{{ obj|choice_label:"field" }}``: a choice field's label. Django's ``get_FOO_display()`` rebuilds the
  field's choices dict (``make_hashable`` over every choice) on each call — 65 µs a row for a case's state
  badge; this looks it up in a dict built once per field. The label is still translated on each call.
* ``{{ value|local_minute }}``: an aware datetime as ``YYYY-MM-DD HH:MM`` in Asia/Taipei (settings.TIME_ZONE),
  what ``|date:"Y-m-d H:i"`` prints, without re-parsing the format on every row (43 µs → 3 µs).
* ``{{ log|activity_entry }}``: one history entry (:func:`platform_site.activity.render_entry`).
* ``{% static_url "css/portal.css" %}``: ``{% static %}`` remembered per path for the process (the manifest
  storage's lookup costs ~25 µs a call, five calls on every page; the manifest changes only with a deploy,
  i.e. a new process).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.utils import timezone

register = template.Library()


@lru_cache(maxsize=64)
def _labels(model: type, field_name: str) -> dict[Any, Any]:
    return dict(model._meta.get_field(field_name).flatchoices)


@register.filter
def choice_label(obj: Any, field_name: str, model: type | None = None) -> str:
    """The display label of ``obj.<field_name>`` (the stored value itself when it is not a known choice);
    ``model``: whose field it is, when ``obj`` is not an instance of it."""
    value = getattr(obj, field_name)
    return str(_labels(model or type(obj), field_name).get(value, value))


@register.filter
def local_minute(value: dt.datetime | None) -> str:
    """``value`` in the current time zone as ``YYYY-MM-DD HH:MM``; "" for None (as ``|date`` does)."""
    if value is None:
        return ""
    return (
        timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        if timezone.is_aware(value)
        else value.strftime("%Y-%m-%d %H:%M")
    )


@register.filter
def activity_entry(log: Any) -> Any:
    """One activity-log entry as its ``<li>`` (:func:`platform_site.activity.render_entry`)."""
    from platform_site.activity import render_entry  # activity imports local_minute from here

    return render_entry(log)


@register.simple_tag
def static_url(path: str) -> str:
    """The URL of static file ``path``, as ``{% static path %}`` gives it (cached per path)."""
    return _static_url(path)


@lru_cache(maxsize=256)
def _static_url(path: str) -> str:
    return static(path)


@receiver(setting_changed)
def _static_settings_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in ("STATIC_URL", "STATIC_ROOT", "STORAGES", "STATICFILES_DIRS", "FORCE_SCRIPT_NAME"):
        _static_url.cache_clear()
