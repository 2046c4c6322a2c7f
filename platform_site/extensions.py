"""What installed apps contribute to the platform: menu entries, landing pages, URL modules, demo data.

``platform_site`` imports no app (docs/architecture.md "Dependency direction"). An app declares its
contributions as attributes of its ``AppConfig``; this module collects them through the app registry, in
``INSTALLED_APPS`` order:

- ``nav``: a sequence of :class:`NavEntry` (the menu in ``base.html``);
- ``landing_pages``: a sequence of :class:`LandingPage` (where ``/t/<slug>/`` sends a member);
- ``tenant_urls`` / ``api_urls``: ``(prefix, "app.urls")`` pairs mounted under ``/t/<slug>/`` and
  ``/api/v1/t/<slug>/``;
- a module ``<app>/demo.py`` with ``seed(site: DemoSite) -> None`` (``manage.py seed_demo``).

Permissions are ``rules`` permission names, checked with the tenant as the object, so this module needs no
app's predicates and templates need no role codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

import rules
from django.apps import AppConfig, apps
from django.urls import URLPattern, URLResolver, include, path, reverse
from django.utils.module_loading import module_has_submodule


@dataclass(frozen=True)
class NavEntry:
    """One menu entry: ``label`` (lazy, translated), ``url_name`` reversed with ``tenant_slug``, shown when
    the tenant's kind is in ``tenant_kinds`` (empty = every kind) and ``permission`` holds for
    ``(user, tenant)``: a ``rules`` permission name (preferred: apps.py then imports no predicates) or a
    ``rules`` predicate. Lower ``order`` comes first; ties keep ``INSTALLED_APPS`` order."""

    label: Any
    url_name: str
    permission: str | Callable[[Any, Any], bool]
    tenant_kinds: frozenset[str] = field(default_factory=frozenset)
    order: int = 100


@dataclass(frozen=True)
class NavItem:
    """A visible menu entry for one user in one tenant."""

    label: Any
    url: str
    url_name: str


@dataclass(frozen=True)
class LandingPage:
    """Where a member lands on ``/t/<slug>/``: of the pages whose ``permission`` (as in :class:`NavEntry`)
    holds, the one with the lowest ``priority`` wins."""

    url_name: str
    permission: str | Callable[[Any, Any], bool]
    tenant_kinds: frozenset[str] = field(default_factory=frozenset)
    priority: int = 100


@dataclass
class DemoSite:
    """What ``seed_demo`` gives each app's ``demo.seed`` for one tenant (called inside its tenant scope).

    - ``tenant``: the demo tenant;
    - ``people``: role code -> the demo login holding that role (``Role.APPLICANT`` belongs to ``orgs["metal"]``);
    - ``orgs``: organisation key -> applicant organisation (``metal``, ``textile``, ``footwear``, ``care``,
      ``retail``), plus ``"supplier"`` for the university lab;
    - ``applicants``: organisation key -> an applicant login of that organisation.
    """

    tenant: Any
    people: dict[str, Any]
    orgs: dict[str, Any]
    applicants: dict[str, Any]


def _contributions(attribute: str) -> Iterator[tuple[int, AppConfig, Any]]:
    for index, config in enumerate(apps.get_app_configs()):
        for item in getattr(config, attribute, ()) or ():
            yield index, config, item


def _allowed(permission: str | Callable[[Any, Any], bool], kinds: frozenset[str], user: Any, tenant: Any) -> bool:
    if kinds and tenant.kind not in kinds:
        return False
    return bool(permission(user, tenant)) if callable(permission) else rules.has_perm(permission, user, tenant)


def nav_entries() -> list[NavEntry]:
    """Every declared menu entry, in menu order."""
    found = sorted(_contributions("nav"), key=lambda item: (item[2].order, item[0]))
    return [entry for _index, _config, entry in found]


def visible_nav(user: Any, tenant: Any) -> list[NavItem]:
    """The menu entries ``user`` may see in ``tenant`` (none outside a tenant or when signed out)."""
    if tenant is None or not getattr(user, "is_authenticated", False):
        return []
    return [
        NavItem(entry.label, reverse(entry.url_name, kwargs={"tenant_slug": tenant.slug}), entry.url_name)
        for entry in nav_entries()
        if _allowed(entry.permission, entry.tenant_kinds, user, tenant)
    ]


def landing_url(user: Any, tenant: Any) -> str | None:
    """The URL of ``user``'s landing page in ``tenant``, or ``None`` when no app offers one."""
    pages = sorted(_contributions("landing_pages"), key=lambda item: (item[2].priority, item[0]))
    for _index, _config, page in pages:
        if _allowed(page.permission, page.tenant_kinds, user, tenant):
            return reverse(page.url_name, kwargs={"tenant_slug": tenant.slug})
    return None


def app_urlpatterns(attribute: str) -> list[URLPattern | URLResolver]:
    """``path(prefix, include(module))`` for every ``(prefix, module)`` the apps declare in ``attribute``."""
    return [path(prefix, include(module)) for _index, _config, (prefix, module) in _contributions(attribute)]


def demo_seeders() -> list[tuple[str, Callable[[DemoSite], None]]]:
    """``(app label, seed)`` of every installed app that has a ``demo`` module, in ``INSTALLED_APPS`` order."""
    seeders = []
    for config in apps.get_app_configs():
        if config.module is not None and module_has_submodule(config.module, "demo"):
            module = import_module(f"{config.name}.demo")
            seed = getattr(module, "seed", None)
            if callable(seed):
                seeders.append((config.label, seed))
    return seeders
