"""Template context: the current tenant and the user's roles in it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from platform_site.rules import roles_in


def tenant(request: HttpRequest) -> dict[str, Any]:
    current = getattr(request, "tenant", None)
    return {"tenant": current, "tenant_roles": roles_in(request.user, current) if current else frozenset()}
