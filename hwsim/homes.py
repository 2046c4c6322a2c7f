"""The verification lab's panels on a member's home ``/t/<slug>/`` (declared in :class:`hwsim.apps.HwsimConfig`).

Each function is a :class:`platform_site.extensions.HomePanel` ``context``: ``(user, tenant) -> dict`` for its
template under ``hwsim/home/``; the reads are in :mod:`hwsim.queries`.
"""

from __future__ import annotations

from typing import Any

from hwsim import queries
from platform_site.rules import can


def staff_panel(user: Any, tenant: Any) -> dict[str, Any]:
    """:func:`hwsim.queries.lab_queue`."""
    return queries.lab_queue(user, tenant)


def applicant_panel(user: Any, tenant: Any) -> dict[str, Any]:
    """:func:`hwsim.queries.my_requests` plus ``can_create`` (may make a new verification request)."""
    return {**queries.my_requests(user, tenant), "can_create": can(user, "hwsim.create_request", tenant)}
