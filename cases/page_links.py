"""Links other apps add to the case page (cases imports no app: an app registers a provider in its ready()).

A provider is ``fn(user, case) -> list[CaseLinkGroup]``; it runs for every case page view, so it must cost a
bounded number of queries (ideally none unless the case is in a state the app cares about). E.g. the review
app links the committee's meetings and decisions (review/apps.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CaseLink:
    label: Any
    url: str
    note: Any = ""


@dataclass(frozen=True)
class CaseLinkGroup:
    """A titled card of links on the case page (``key``: stable, rendered as ``data-links``)."""

    key: str
    title: Any
    links: list[CaseLink] = field(default_factory=list)


Provider = Callable[[Any, Any], list[CaseLinkGroup]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add ``provider`` (idempotent: registering the same function twice keeps one)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def links_for(user: Any, case: Any) -> list[CaseLinkGroup]:
    """Every provider's non-empty groups for ``user`` on ``case``, in registration order."""
    return [group for provider in _providers for group in provider(user, case) if group.links]
