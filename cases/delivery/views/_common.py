"""Helpers shared by the delivery views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from platform_site.transitions import TransitionRefused


def available_actions(obj: Any, names: frozenset[str] | tuple[str, ...], user: Any) -> list[tuple[str, str]]:
    """``[(name, label)]`` of the transitions ``names`` that ``obj``'s state allows and ``user`` may run."""
    result = []
    for name in names:
        meta = getattr(type(obj), name)._django_fsm
        if meta.has_transition(obj.state) and meta.has_transition_perm(obj, obj.state, user):
            result.append((name, str(meta.get_transition(obj.state).custom.get("label", name))))
    return result


def error_text(exc: TransitionRefused | ValidationError) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc)


def flash_error(request: HttpRequest, exc: TransitionRefused | ValidationError) -> int:
    """Put the refusal on the page; the HTTP status to answer with (409 refusal, 400 invalid input)."""
    messages.error(request, error_text(exc))
    return 400 if isinstance(exc, ValidationError) else 409
