"""Role-aware row visibility: which rows of a tenant-owned model a user may *list* (the one rule per model).

Each app declares one :class:`Visibility` per listed model in its ``queries.py`` and gives every role a rule:
a function ``(user, tenant) -> Q | bool`` (``True`` = every row of the tenant, ``False`` = none, a ``Q`` =
the matching rows). A user's visible rows are the union over the roles they hold in the tenant; a role
with no rule sees nothing (fail-closed). Roles whose rule a later app supplies (assigned experts, suppliers,
case managers, finance) are declared *pending*: they see nothing until that app registers its function
with :meth:`Visibility.rule`, e.g. in the review app::

    @case_visibility.rule(Role.EXPERT)
    def _assigned_expert(user, tenant):
        return Q(review_assignments__expert=user)

A rule that follows a multi-valued relation should return ``Q(Exists(…))`` so a row is never listed twice.
Membership roles only: ``is_superuser`` grants nothing here (issue 6, B1). The object-level counterpart is
the app's ``rules`` predicate (``cases.view_case`` …); ``get_…_for_user`` checks both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from platform_site.enums import Role
from platform_site.rules import can, roles_in
from platform_site.tenancy import get_for_tenant_or_404, require_tenant

#: ``(user, tenant) -> Q | bool``: the rows one role may list (True: all of the tenant's, False: none).
RowRule = Callable[[Any, Any], "Q | bool"]


def every_row(user: Any, tenant: Any) -> bool:
    """Rule: every row of the tenant (office staff)."""
    return True


def no_row(user: Any, tenant: Any) -> bool:
    """Rule: no row (a pending role until its app supplies the rule)."""
    return False


class Visibility:
    """The per-role list rule of one model. ``rules`` maps role → :data:`RowRule`; ``pending`` roles see
    nothing until :meth:`rule` registers their function (registering a role twice is a configuration error,
    so two apps cannot silently overwrite each other's rule)."""

    def __init__(self, label: str, rules: dict[str, RowRule] | None = None, pending: Iterable[str] = ()) -> None:
        self.label = label
        self._rules: dict[str, RowRule] = dict(rules or {})
        self._pending: set[str] = set(pending) - set(self._rules)

    def rule(self, *roles: str) -> Callable[[RowRule], RowRule]:
        """Decorator: ``fn(user, tenant) -> Q | bool`` is the rule of ``roles`` (each pending or new)."""

        def register(fn: RowRule) -> RowRule:
            for role in roles:
                if role in self._rules:
                    raise ImproperlyConfigured(f"{self.label}: role {role!r} already has a visibility rule")
                self._rules[role] = fn
                self._pending.discard(role)
            return fn

        return register

    def covers(self) -> set[str]:
        """Roles with a rule or declared pending (a test checks every :class:`Role` is one or the other)."""
        return set(self._rules) | self._pending

    def condition(self, user: Any, tenant: Any) -> Q | bool:
        """The union of the user's role rules in ``tenant``: True (all rows), False (none) or a ``Q``."""
        combined: Q | None = None
        for role in sorted(roles_in(user, tenant)):
            result = self._rules.get(role, no_row)(user, tenant)
            if result is True:
                return True
            if isinstance(result, Q):
                combined = result if combined is None else combined | result
        return combined if combined is not None else False

    def apply(self, queryset: QuerySet, user: Any, tenant: Any) -> QuerySet:
        """``queryset`` narrowed to the rows ``user`` may list in ``tenant``.

        ``tenant`` must be the tenant of the current scope (the scoped manager already filters on it; roles
        from another tenant must never widen this one's rows): raises ValueError otherwise.
        """
        if tenant is None or require_tenant().pk != tenant.pk:
            raise ValueError(f"{self.label}: visibility asked for a tenant other than the current scope's")
        condition = self.condition(user, tenant)
        if condition is True:
            return queryset
        if condition is False:
            return queryset.none()
        return queryset.filter(condition)


#: The roles the next apps (review, suppliers, service delivery, billing) give a rule to.
FUTURE_ROLES = (Role.EXPERT, Role.SUPPLIER, Role.CASE_MANAGER, Role.FINANCE)


def get_visible_or_404(queryset: QuerySet, user: Any, tenant: Any, pk: Any, *, view_perm: str, perm: str = "") -> Any:
    """The row ``pk`` of ``queryset`` (the user's visible rows of ``tenant``) for a detail page or endpoint.

    Raises Http404 when it is not visible, the pk is malformed, or ``view_perm`` (a rules permission) denies it;
    PermissionDenied (403) when it is visible but ``perm`` (if given) denies the action. The row's ``tenant``
    is set to ``tenant`` (the manager filtered on it), so the rules need no query for it.
    """
    obj = get_for_tenant_or_404(queryset, pk=pk)
    obj.tenant = tenant
    if not can(user, view_perm, obj):
        raise Http404
    if perm and perm != view_perm and not can(user, perm, obj):
        raise PermissionDenied
    return obj
