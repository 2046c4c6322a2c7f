"""Sections other apps add to the case page, without cases importing them (docs/architecture.md
"Dependency direction"): an app registers ``fn(request, case) -> str`` (HTML, "" for nothing) with
:func:`case_section`, usually from its ``AppConfig.ready``; the page renders them in ``order``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


# --- The office dashboard (issue 10) -------------------------------------------------------------------------
# Apps contribute tables and funnel stages to the tenant's office dashboard without the dashboard importing them.
# A table is shown on the page and exported as CSV and XLSX from the same rows, so the numbers always agree.


@dataclass(frozen=True)
class DashboardTable:
    """One dashboard table: ``key`` (slug in the export URLs, unique), translated ``title`` and ``columns``, and
    ``rows`` (each a list as long as ``columns``; cells are str, int, Decimal, date or None — never float, so the
    page, CSV and XLSX show the same value). ``danger_rows`` holds the indexes of rows to show in red (SLA
    breaches, overdue reports)."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    danger_rows: frozenset[int] = frozenset()


@dataclass(frozen=True)
class FunnelStage:
    """One stage of the dashboard funnel: ``order`` (position, intake first), ``key``, translated ``label``, and
    ``count`` (cases that reached the stage or are in it, as the provider documents)."""

    order: int
    key: str
    label: str
    count: int


DashboardProvider = Callable[[Any], "DashboardTable | None"]
FunnelProvider = Callable[[Any], "list[FunnelStage]"]
_tables: list[tuple[int, str, DashboardProvider]] = []
_funnels: list[tuple[str, FunnelProvider]] = []


def dashboard_table(order: int = 100) -> Callable[[DashboardProvider], DashboardProvider]:
    """Decorator: register ``fn(tenant) -> DashboardTable | None`` (called inside the tenant scope; ``None`` for
    nothing to show). Registering the same function twice is a no-op."""

    def register(fn: DashboardProvider) -> DashboardProvider:
        name = f"{fn.__module__}.{fn.__qualname__}"
        if all(existing != name for _order, existing, _fn in _tables):
            _tables.append((order, name, fn))
            _tables.sort(key=lambda item: (item[0], item[1]))
        return fn

    return register


def funnel_stages(fn: FunnelProvider) -> FunnelProvider:
    """Decorator: register ``fn(tenant) -> list[FunnelStage]`` (a no-op for a function already registered)."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    if all(existing != name for existing, _fn in _funnels):
        _funnels.append((name, fn))
    return fn


def render_dashboard_tables(tenant: Any) -> list[DashboardTable]:
    """Every registered table for ``tenant``, in ``order``; providers returning ``None`` left out."""
    tables = (fn(tenant) for _order, _name, fn in _tables)
    return [table for table in tables if table is not None]


def collect_funnel(tenant: Any) -> list[FunnelStage]:
    """Every registered funnel stage for ``tenant``, sorted by ``order``."""
    return sorted((stage for _name, fn in _funnels for stage in fn(tenant)), key=lambda s: (s.order, s.key))
