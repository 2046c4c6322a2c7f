"""Structural, fail-closed tenant scoping.

* The current tenant lives in a context variable, set by :func:`tenant_scope` (the middleware does it per
  request from the ``/t/<slug>/`` URL; Celery tasks do it from their ``tenant_id`` argument).
* Every tenant-owned model inherits :class:`TenantOwnedModel`, whose default manager filters on the
  current tenant and **raises** :class:`TenantNotSetError` when none is set — there is no silent
  all-tenants query. ``Model.all_tenants`` is the explicit escape hatch for admin/maintenance code.
* On PostgreSQL the scope also sets ``app.tenant_id`` on the connection, which the row-level-security
  policies (see :mod:`platform_site.rls`) compare against, so a forgotten filter still returns nothing.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db import connection, models
from django.db.backends.signals import connection_created
from django.http import Http404

if TYPE_CHECKING:
    from platform_site.models import Tenant

_current_tenant: contextvars.ContextVar[Tenant | None] = contextvars.ContextVar("current_tenant", default=None)


class TenantNotSetError(RuntimeError):
    """A tenant-owned table was queried outside :func:`tenant_scope`."""


def current_tenant() -> Tenant | None:
    """Return the tenant of the current scope, or ``None``."""
    return _current_tenant.get()


def require_tenant() -> Tenant:
    """Return the tenant of the current scope; raise :class:`TenantNotSetError` when there is none."""
    tenant = _current_tenant.get()
    if tenant is None:
        raise TenantNotSetError("No tenant is set: wrap the code in tenancy.tenant_scope(tenant).")
    return tenant


def _apply_db_setting(tenant_id: int | None, conn: Any = None) -> None:
    """Set ``app.tenant_id`` for PostgreSQL row-level security ('' when no tenant)."""
    conn = conn or connection
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        cursor.execute("SELECT set_config('app.tenant_id', %s, false)", ["" if tenant_id is None else str(tenant_id)])


@contextlib.contextmanager
def tenant_scope(tenant: Tenant | None) -> Iterator[Tenant | None]:
    """Run the body with ``tenant`` as the current tenant (``None`` clears it); restores the previous one."""
    token = _current_tenant.set(tenant)
    _apply_db_setting(tenant.pk if tenant else None)
    try:
        yield tenant
    finally:
        _current_tenant.reset(token)
        previous = _current_tenant.get()
        _apply_db_setting(previous.pk if previous else None)


def _on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    """A new database connection inherits the current scope (fail-closed when there is none)."""
    tenant = _current_tenant.get()
    if tenant is not None:
        _apply_db_setting(tenant.pk, connection)


def connect_signals() -> None:
    connection_created.connect(_on_connection_created, dispatch_uid="tenancy_connection_created")


class TenantQuerySet(models.QuerySet):
    """QuerySet of a tenant-owned model."""


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):  # type: ignore[misc]
    """Default manager of tenant-owned models: always filtered to the current tenant, raises without one."""

    def get_queryset(self) -> TenantQuerySet:
        return super().get_queryset().filter(tenant=require_tenant())

    def none(self) -> TenantQuerySet:
        """An empty queryset needs no tenant (e.g. a form field's initial queryset at import time)."""
        return super().get_queryset().none()


class TenantOwnedModel(models.Model):
    """Abstract base of every tenant-owned table: a ``tenant`` FK, scoped default manager, escape hatch."""

    tenant = models.ForeignKey("platform_site.Tenant", on_delete=models.PROTECT, related_name="+", editable=False)

    objects = TenantManager()
    all_tenants = models.Manager()  # noqa: DJ012 (an abstract base: its managers sit with the field they scope)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.tenant_id is None:
            self.tenant = require_tenant()
        super().save(*args, **kwargs)


def get_for_tenant_or_404(queryset: models.QuerySet, **lookup: Any) -> Any:
    """``get_object_or_404`` that also turns a malformed id into 404 (never a 500)."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
