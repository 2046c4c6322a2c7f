"""Sections other apps add to the case page, without cases importing them (docs/architecture.md
"Dependency direction"): an app registers ``fn(request, case) -> str`` (HTML, "" for nothing) with
:func:`case_section`, usually from its ``AppConfig.ready``; the page renders them in ``order``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString, mark_safe

CaseSection = Callable[[Any, Any], str]
_sections: list[tuple[int, str, CaseSection]] = []


def case_section(order: int = 100) -> Callable[[CaseSection], CaseSection]:
    """Decorator: register ``fn`` as a case-page section (registering the same function twice is a no-op)."""

    def register(fn: CaseSection) -> CaseSection:
        name = f"{fn.__module__}.{fn.__qualname__}"
        if all(existing != name for _order, existing, _fn in _sections):
            _sections.append((order, name, fn))
            _sections.sort(key=lambda item: (item[0], item[1]))
        return fn

    return register


def render_case_sections(request: Any, case: Any) -> list[SafeString]:
    """The registered sections' HTML for ``case`` (already escaped by their templates), empty ones left out."""
    rendered = (fn(request, case) for _order, _name, fn in _sections)
    return [mark_safe(html) for html in rendered if html]  # noqa: S308 (rendered by the app's own template)
