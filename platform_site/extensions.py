"""What installed apps contribute to the platform: menu entries, home panels, URL modules, demo data.

``platform_site`` imports no app (docs/architecture.md "Dependency direction"). An app declares its
contributions as attributes of its ``AppConfig``; this module collects them through the app registry, in
``INSTALLED_APPS`` order:

- ``nav``: a sequence of :class:`NavEntry` (the menu in ``base.html``);
- ``home_panels``: a sequence of :class:`HomePanel` (the member's home ``/t/<slug>/``, their work inbox);
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
from django.utils.module_loading import import_string, module_has_submodule


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
class HomePanel:
    """One panel of a member's home ``/t/<slug>/`` (their work inbox), shown when ``permission`` (as in
    :class:`NavEntry`) holds for ``(user, tenant)`` and the tenant's kind is in ``tenant_kinds`` (empty =
    every kind). Lower ``order`` comes first.

    - ``key``: a stable name, rendered as the panel's ``data-panel`` attribute (no role codes in it);
    - ``template``: rendered with what ``context`` returns plus the request context (``tenant``, ``user``);
    - ``context``: dotted path of a function ``(user, tenant) -> dict`` (imported on first use, so an
      ``apps.py`` imports no models); its reads belong in the app's ``queries.py`` and must be a bounded
      number of queries whatever the number of rows;
    - ``roles``: the role codes whose work the panel shows. A role of the user that no shown panel covers
      gets the platform's empty state for that role (``platform_site.homes.ROLE_EMPTY_STATES``), so an app
      that brings the work of a role (review → experts) replaces that empty state by declaring its panel.
    """

    key: str
    template: str
    context: str
    permission: str | Callable[[Any, Any], bool]
    roles: frozenset[str] = field(default_factory=frozenset)
    tenant_kinds: frozenset[str] = field(default_factory=frozenset)
    order: int = 100

    def build_context(self, user: Any, tenant: Any) -> dict[str, Any]:
        """The panel's template context for ``user`` in ``tenant`` (the ``context`` function's answer)."""
        return import_string(self.context)(user, tenant)


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


def visible_home_panels(user: Any, tenant: Any) -> list[HomePanel]:
    """The home panels ``user`` may see in ``tenant``, in ``order`` (ties: ``INSTALLED_APPS`` order)."""
    if tenant is None or not getattr(user, "is_authenticated", False):
        return []
    found = sorted(_contributions("home_panels"), key=lambda item: (item[2].order, item[0]))
    return [panel for _index, _config, panel in found if _allowed(panel.permission, panel.tenant_kinds, user, tenant)]


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
