"""A member's home ``/t/<slug>/``: the panels the apps contribute (platform_site.extensions.HomePanel), and an
honest empty state for each of the member's roles whose work no installed app shows yet.

Role codes never reach the page: roles are shown by their labels (``Role(code).label``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from platform_site.enums import Role, TenantKind
from platform_site.extensions import visible_home_panels
from platform_site.rules import roles_in

#: What will appear on the home of a role no installed app gives a panel yet (the review, suppliers,
#: service-delivery and billing apps bring these; seed 000_9617a3b789ca4d20.txt "Actors").
ROLE_EMPTY_STATES = {
    Role.EXPERT: _("Review invitations and the cases you score will appear here."),
    Role.SUPPLIER: _("Matchmaking referrals and the service requests sent to your organisation will appear here."),
    Role.CASE_MANAGER: _("The service projects you manage, with their milestones and acceptance, will appear here."),
    Role.FINANCE: _("Payment requests, invoices and the budgets of service projects will appear here."),
}
#: Which kinds of tenant :data:`ROLE_EMPTY_STATES` speaks of (a lab's expert or supplier gets the default).
ROLE_EMPTY_STATE_KINDS = frozenset({TenantKind.PLATFORM_OFFICE})
#: For any other role without a panel in this kind of tenant.
DEFAULT_EMPTY_STATE = _("The work waiting for you here will appear on this page.")

#: Role labels that depend on the kind of tenant (docs/domain.md "Roles": in the lab the office reviewer is a
#: lab engineer; a lab is no 推動辦公室, so its staff are not 推動辦公室人員).
KIND_ROLE_LABELS = {
    TenantKind.VERIFICATION_LAB: {Role.OFFICE_REVIEWER: _("Lab engineer"), Role.TENANT_ADMIN: _("Lab admin")},
}

#: What each kind of tenant is for (the member's home subtitle; the public landing page has its own text).
KIND_PURPOSE = {
    TenantKind.PLATFORM_OFFICE: _("Demand cases from intake through qualification, reviews and service."),
    TenantKind.VERIFICATION_LAB: _("Simulated verification of AI-chip platforms and their verification reports."),
    TenantKind.GRANT_CALL: _("Grant applications and their review."),
}


@dataclass(frozen=True)
class EmptyState:
    """A role of the member that no panel covers: its label and what will appear for it."""

    role_label: Any
    text: Any


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    html: SafeString


def role_label(role: Role, kind: str | None = None) -> str:
    """The label of ``role`` in a tenant of ``kind`` (a :class:`TenantKind` value; ``None``: the general label)."""
    return str(KIND_ROLE_LABELS.get(kind, {}).get(role, role.label))


def role_labels(roles: frozenset[str] | set[str], kind: str | None = None) -> list[str]:
    """The labels of ``roles`` (codes) in a tenant of ``kind``, in the order of :class:`Role`; unknown codes
    are skipped."""
    return [role_label(role, kind) for role in Role if role.value in roles]


def home_context(request: HttpRequest, tenant: Any) -> dict[str, Any]:
    """The context of ``platform_site/tenant_home.html`` for a member of ``tenant``.

    ``{"role_labels": [str], "purpose": str, "panels": [RenderedPanel], "empty_states": [EmptyState]}``.
    Each panel's template is rendered with its ``context`` function's answer on top of the request context.
    """
    user = request.user
    roles = roles_in(user, tenant)
    panels = visible_home_panels(user, tenant)
    covered = frozenset().union(*(panel.roles for panel in panels))
    rendered = [
        RenderedPanel(panel.key, render_to_string(panel.template, panel.build_context(user, tenant), request))
        for panel in panels
    ]
    texts = ROLE_EMPTY_STATES if tenant.kind in ROLE_EMPTY_STATE_KINDS else {}
    empty = [
        EmptyState(role_label(role, tenant.kind), texts.get(role.value, DEFAULT_EMPTY_STATE))
        for role in Role
        if role.value in roles and role.value not in covered
    ]
    return {
        "role_labels": role_labels(roles, tenant.kind),
        "purpose": KIND_PURPOSE.get(tenant.kind, ""),
        "panels": rendered,
        "empty_states": empty,
    }
