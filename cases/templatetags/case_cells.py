"""A case's status badge and due-date cell, rendered in Python (``{{ case|state_badge }}``, ``{{ case|due }}``).

They appear on every row of the case list and the queue: as ``{% include %}`` templates they cost ~100 µs a
row (2 ms of a 20-row page, measured by benchmarks/portal_pages.py), as these filters ~10 µs. The texts are
the msgids the templates used, so the existing translations apply. The detail page includes
``cases/_state_badge.html`` / ``_due.html``, which call the same filters.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from cases.enums import CaseState
from platform_site.templatetags.cells import choice_label

register = template.Library()

_BADGE_CLASS = {
    CaseState.CLOSED: "text-bg-secondary",
    CaseState.WITHDRAWN: "text-bg-secondary",
    CaseState.DRAFT: "text-bg-light border",
    CaseState.DOCUMENTS_REQUESTED: "text-bg-warning",
}


@register.filter
def state_badge(case: Any) -> SafeString:
    """``<span class="badge state-badge …" data-state="…">label（closure reason）</span>``."""
    reason = f"（{choice_label(case, 'closure_reason')}）" if case.closure_reason else ""
    return format_html(
        '<span class="badge state-badge {}" data-state="{}">{}{}</span>',
        _BADGE_CLASS.get(case.state, "text-bg-primary"),
        case.state,
        choice_label(case, "state"),
        reason,
    )


@register.filter
def due(case: Any) -> SafeString:
    """The qualification due date with the working days left (or overdue), the paused clock, or "—"."""
    left = case.qualification_days_left()
    if left is not None:
        if left < 0:
            text = ngettext("overdue by %(n)s working day", "overdue by %(n)s working days", -left) % {"n": -left}
        elif left == 0:
            text = gettext("due today")
        else:
            text = ngettext("%(n)s working day left", "%(n)s working days left", left) % {"n": left}
        css = "due-overdue" if left < 0 else "due-today" if left == 0 else ""
        return format_html(
            '<span class="{}" data-days-left="{}">{} ({})</span>', css, left, case.qualification_due.isoformat(), text
        )
    if case.state == CaseState.DOCUMENTS_REQUESTED:
        n = case.qualification_days_remaining or 0
        text = ngettext("Clock paused (%(n)s working day left)", "Clock paused (%(n)s working days left)", n) % {"n": n}
        return format_html('<span class="text-muted">{}</span>', text)
    return SafeString("—")
