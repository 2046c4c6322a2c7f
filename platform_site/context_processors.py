"""Template context: the current tenant, the user's roles in it, and the menu the installed apps declare."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from platform_site.extensions import visible_nav
from platform_site.rules import roles_in


def tenant(request: HttpRequest) -> dict[str, Any]:
    """``tenant``, ``tenant_roles`` (role codes) and ``nav_items`` (:class:`~platform_site.extensions.NavItem`)."""
    current = getattr(request, "tenant", None)
    return {
        "tenant": current,
        "tenant_roles": roles_in(request.user, current) if current else frozenset(),
        "nav_items": visible_nav(request.user, current),
    }
