"""A case's status badge and due-date cell, rendered in Python (``{{ case|state_badge }}``, ``{{ case|due }}``),
and the rows of the case list and the queue (``{% case_rows page %}``, ``{% queue_rows page %}``).

They appear on every row of the case list and the queue: as ``{% include %}`` templates they cost ~100 µs a
row (2 ms of a 20-row page, measured by benchmarks/portal_pages.py), as these filters ~10 µs. The texts are
the msgids the templates used, so the existing translations apply. The detail page includes
``cases/_state_badge.html`` / ``_due.html``, which call the same filters.

The rows: a ``<tr>`` per case as the templates wrote it (``{{ … }}`` escaping, ``|default:"—"``), built with
one ``reverse()`` for the detail links instead of a ``{% url %}`` per row and no template node per cell —
20 rows in ~0.2 ms instead of ~1.3 ms (benchmarks/portal_pages.py; benchmarks/README.md).
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, ngettext

from cases.enums import CaseState
from platform_site.templatetags.cells import choice_label, local_minute

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
    return _badge(type(case), case.state, case.closure_reason, get_language())


@lru_cache(maxsize=512)
def _badge(model: type, state: str, closure_reason: str, language: str | None) -> SafeString:
    """The badge of one (state, closure reason) in one language (the key: translations are per language)."""
    row = types.SimpleNamespace(state=state, closure_reason=closure_reason)
    reason = f"（{conditional_escape(choice_label(row, 'closure_reason', model))}）" if closure_reason else ""
    css = _BADGE_CLASS.get(state, "text-bg-primary")
    label = conditional_escape(choice_label(row, "state", model))
    return SafeString(
        f'<span class="badge state-badge {css}" data-state="{conditional_escape(state)}">{label}{reason}</span>'
    )


@register.filter
def due(case: Any) -> SafeString:
    """The qualification due date with the working days left (or overdue), the paused clock, or "—"."""
    left = case.qualification_days_left()
    if left is not None:
        return _running_clock(left, case.qualification_due, get_language())
    if case.state == CaseState.DOCUMENTS_REQUESTED:
        return _paused_clock(case.qualification_days_remaining or 0, get_language())
    return SafeString("—")


@lru_cache(maxsize=1024)
def _running_clock(left: int, due_date: Any, language: str | None) -> SafeString:
    if left < 0:
        text = ngettext("overdue by %(n)s working day", "overdue by %(n)s working days", -left) % {"n": -left}
    elif left == 0:
        text = gettext("due today")
    else:
        text = ngettext("%(n)s working day left", "%(n)s working days left", left) % {"n": left}
    css = "due-overdue" if left < 0 else "due-today" if left == 0 else ""
    # The brackets belong to the language (zh-Hant: full-width （）).
    shown = gettext("%(date)s (%(left)s)") % {"date": due_date.isoformat(), "left": text}
    return format_html('<span class="{}" data-days-left="{}">{}</span>', css, left, shown)


@lru_cache(maxsize=64)
def _paused_clock(n: int, language: str | None) -> SafeString:
    text = ngettext("Clock paused (%(n)s working day left)", "Clock paused (%(n)s working days left)", n) % {"n": n}
    return format_html('<span class="text-muted">{}</span>', text)


_PK_PLACEHOLDER = 987654321


def detail_url_maker(tenant_slug: str) -> Callable[[int], str]:
    """``pk -> the case's detail URL`` (what ``{% url 'cases:detail' slug pk %}`` gives), from one reverse()."""
    head, tail = reverse("cases:detail", kwargs={"tenant_slug": tenant_slug, "pk": _PK_PLACEHOLDER}).rsplit(
        str(_PK_PLACEHOLDER), 1
    )
    return lambda pk: f"{head}{int(pk)}{tail}"


def _org_name(case: Any) -> str:
    org = case.applicant_org
    return conditional_escape(org.name) if org is not None else ""


def _title_link(case: Any, url: Callable[[int], str]) -> str:
    return f'<td><a href="{url(case.pk)}">{conditional_escape(case.title)}</a></td>'


@register.simple_tag(takes_context=True)
def case_rows(context: template.Context, cases: Iterable[Any]) -> SafeString:
    """The case list's rows: case number (or "—"), linked title, organisation, status badge, due cell."""
    url = detail_url_maker(context["tenant"].slug)
    return SafeString(
        "".join(
            f"<tr><td>{conditional_escape(case.reference or '—')}</td>{_title_link(case, url)}\n"
            f"      <td>{_org_name(case)}</td><td>{state_badge(case)}</td><td>{due(case)}</td></tr>\n"
            for case in cases
        )
    )


@register.simple_tag(takes_context=True)
def queue_rows(context: template.Context, cases: Iterable[Any]) -> SafeString:
    """The queue's rows: case number, linked title, organisation, status, submitted (minute), due, reviewer."""
    url = detail_url_maker(context["tenant"].slug)
    rows = []
    for case in cases:
        reviewer = case.qualification_reviewer
        name = (reviewer.get_full_name() if reviewer is not None else "") or "—"
        rows.append(
            f"<tr><td>{conditional_escape(case.reference)}</td>{_title_link(case, url)}\n"
            f"      <td>{_org_name(case)}</td><td>{state_badge(case)}</td>\n"
            f"      <td>{local_minute(case.submitted_at)}</td><td>{due(case)}</td>\n"
            f"      <td>{conditional_escape(name)}</td></tr>\n"
        )
    return SafeString("".join(rows))
