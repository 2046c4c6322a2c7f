"""The cases app's panels on a member's home ``/t/<slug>/`` (declared in :class:`cases.apps.CasesConfig`).

Each function is a :class:`platform_site.extensions.HomePanel` ``context``: ``(user, tenant) -> dict`` for its
template under ``cases/home/``; the reads are in :mod:`cases.queries`.
"""

from __future__ import annotations

from typing import Any

from cases import queries
from platform_site.rules import can


def applicant_panel(user: Any, tenant: Any) -> dict[str, Any]:
    """:func:`cases.queries.applicant_home` plus ``can_create`` (may start a new demand case)."""
    return {**queries.applicant_home(user, tenant), "can_create": can(user, "cases.create_case", tenant)}


def queue_panel(user: Any, tenant: Any) -> dict[str, Any]:
    """:func:`cases.queries.queue_summary` plus ``working_days`` (the tenant's qualification period)."""
    return {**queries.queue_summary(user, tenant), "working_days": tenant.config.qualification_working_days}


def committee_panel(user: Any, tenant: Any) -> dict[str, Any]:
    """:func:`cases.queries.committee_waiting`."""
    return queries.committee_waiting(user, tenant)
