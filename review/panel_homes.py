"""The review app's panels for experts and the CTO on a member's home ``/t/<slug>/`` (declared in
:class:`review.apps.ReviewConfig`); the reads are in :mod:`review.queries`."""

from __future__ import annotations

from typing import Any

from review import queries


def expert_panel(user: Any, tenant: Any) -> dict[str, Any]:
    """:func:`review.queries.expert_home`: the expert's open invitations (declare, accept, score)."""
    return queries.expert_home(user, tenant)


def replacements_panel(user: Any, tenant: Any) -> dict[str, Any]:
    """:func:`review.queries.replacements_needed`: panels short of experts after a recusal or a decline."""
    return queries.replacements_needed(tenant)
