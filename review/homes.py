"""The review app's panels on a member's home ``/t/<slug>/`` (declared in :class:`review.apps.ReviewConfig`).

Each function is a :class:`platform_site.extensions.HomePanel` ``context``: ``(user, tenant) -> dict``; the
reads are in :mod:`review.queries`.
"""

from __future__ import annotations

from typing import Any

from review import queries


def final_due_panel(user: Any, tenant: Any) -> dict[str, Any]:
    """:func:`review.queries.cto_final_due_panel` (the CTO's final reviews by due date, overdue flagged)."""
    return queries.cto_final_due_panel(tenant)
