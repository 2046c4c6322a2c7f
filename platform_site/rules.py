"""Permission predicates shared by every app (django-rules). The one permission layer of the portal.

A predicate takes ``(user, obj)``; the tenant is ``obj.tenant`` when the object has one, else the tenant
of the current scope. Role look-ups are cached on the user object for the request (one query per tenant).
"""

from __future__ import annotations

from typing import Any

import rules

from platform_site.enums import OFFICE_ROLES, Role
from platform_site.tenancy import current_tenant


def _tenant_of(obj: Any) -> Any:
    if getattr(getattr(obj, "_meta", None), "label", None) == "platform_site.Tenant":
        return obj  # a tenant-level permission (menu entries, home panels) is checked with the tenant
    tenant = getattr(obj, "tenant", None)
    return tenant if tenant is not None else current_tenant()


def memberships_in(user: Any, tenant: Any) -> list[tuple[str, int | None]]:
    """``[(role, organization_id), …]`` of ``user`` in ``tenant`` (cached per user object)."""
    if tenant is None or not getattr(user, "is_authenticated", False):
        return []
    # getattr/setattr (not __dict__) so a SimpleLazyObject request.user shares the cache of the real user.
    cache = getattr(user, "_tenant_memberships", None)
    if cache is None:
        cache = {}
        user._tenant_memberships = cache
    if tenant.pk not in cache:
        cache[tenant.pk] = list(user.memberships.filter(tenant_id=tenant.pk).values_list("role", "organization_id"))
    return cache[tenant.pk]


def roles_in(user: Any, tenant: Any) -> frozenset[str]:
    """The set of role codes ``user`` holds in ``tenant``."""
    return frozenset(role for role, _org in memberships_in(user, tenant))


def organizations_in(user: Any, tenant: Any, role: str) -> frozenset[int]:
    """Ids of the organisations for which ``user`` holds ``role`` in ``tenant``."""
    return frozenset(org for r, org in memberships_in(user, tenant) if r == role and org is not None)


def has_role(*roles: str) -> rules.Predicate:
    """Predicate: the user holds one of ``roles`` in the object's (or current) tenant."""
    wanted = frozenset(roles)

    @rules.predicate(name=f"has_role({','.join(sorted(wanted))})")
    def predicate(user: Any, obj: Any = None) -> bool:
        return bool(roles_in(user, _tenant_of(obj)) & wanted)

    return predicate


is_member = rules.predicate(lambda user, obj=None: bool(memberships_in(user, _tenant_of(obj))), name="is_member")
is_office_staff = has_role(*OFFICE_ROLES)
is_office_reviewer = has_role(Role.OFFICE_REVIEWER, Role.TENANT_ADMIN)
is_cto = has_role(Role.CTO)
is_applicant = has_role(Role.APPLICANT)


def can(user: Any, perm: str, obj: Any = None) -> bool:
    """Whether ``user`` holds the django-rules permission ``perm`` (on ``obj``).

    The portal's one permission check: ``rules.has_perm`` only, so Django's ``is_superuser`` short-cut and
    model permissions never grant an action in a tenant (a superuser holds exactly the roles of their
    memberships). Use it instead of ``user.has_perm(...)``.
    """
    return rules.has_perm(perm, user, obj)


def primary_organisation(user: Any, tenant: Any, role: str = Role.APPLICANT) -> int | None:
    """Id of the organisation a new record of ``user`` is made for: the lowest-id organisation for which the
    user holds ``role`` in ``tenant`` (applicants normally have exactly one), or ``None`` when there is none."""
    orgs = sorted(organizations_in(user, tenant, role))
    return orgs[0] if orgs else None


#: The organisation members page (platform_site.account_views.members): applicants of an organisation.
rules.add_perm("platform_site.view_members", is_applicant)
