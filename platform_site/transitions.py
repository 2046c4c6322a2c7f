"""The one way state machines change: lock the row, check state, permission and conditions, run, log.

Every app's ``services.py`` calls :func:`run_transition`; views and the API turn its errors into a 403/404
(:class:`~django.core.exceptions.PermissionDenied`) or a 409 (:class:`TransitionRefused`, whose ``extra``
goes into the API body and whose ``message`` is shown on the page).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from platform_site.activity import field_changes, last_transition, log_event, snapshot
from platform_site.enums import ActivityAction
from platform_site.models import ActivityLog
from platform_site.workflow import load_row

#: How the stale-page message prints when the state changed (Asia/Taipei, settings.TIME_ZONE).
WHEN_FORMAT = "Y-m-d H:i"


class TransitionRefused(Exception):
    """The action is not possible in the object's current state, or one of its conditions is unmet (HTTP 409).

    ``message`` is translated and says why (for a state that changed: who changed it to what, and when);
    ``code`` is stable (``transition_not_allowed``, ``conditions_unmet`` or the condition's own code, …);
    ``extra`` holds JSON-ready details added to the API body (e.g. ``state``, ``changed_by``, ``changed_to``,
    ``changed_at``).
    """

    def __init__(self, message: str, *, code: str = "transition_not_allowed", **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra


def transition_names(model: type[models.Model], field_name: str = "state") -> set[str]:
    """Names of all django-fsm transitions declared on ``model``'s ``field_name``."""
    field = model._meta.get_field(field_name)
    return {t.name for t in field.get_all_transitions(model)}


def _meta_of(model: type[models.Model], name: str) -> Any:
    meta = getattr(getattr(model, name, None), "_django_fsm", None)
    if meta is None:
        raise ValueError(f"unknown transition {name!r}")
    return meta


def run_transition(
    obj: models.Model,
    name: str,
    user: Any,
    *,
    comment: str = "",
    changes: Mapping[str, Any] | None = None,
    changes_action: str = ActivityAction.EDITED,
    from_states: Collection[str] | None = None,
    **kwargs: Any,
) -> ActivityLog:
    """Run transition ``name`` of ``obj`` for ``user`` (a user or ``SYSTEM``) and log it; return the log entry.

    In one database transaction: the row is locked and re-read (``select_for_update``; ``obj`` takes the
    current values without django-fsm's class-wide ``refresh_from_db`` toggle, so concurrent requests in a
    threaded server are safe); ``changes`` (``{field: value}``, e.g. a checklist) are applied to it, checked
    by the conditions, saved with the transition and logged as one ``changes_action`` entry before the
    transition's entry. ``from_states`` narrows the states the call accepts (a form made for one state, e.g.
    the qualification decision, must not act on a case that has moved on). Extra ``kwargs`` go to the
    transition method.

    Raises ``ValueError`` for an unknown transition; :class:`TransitionRefused` (409) when the current state
    does not allow it (the message then says who changed the state to what, and when — from the log) or with
    the first unmet :class:`~platform_site.workflow.condition`'s message and code; ``PermissionDenied`` when
    the ``rules`` permission of the transition refuses ``user``. Nothing is saved when it raises.
    """
    meta = _meta_of(type(obj), name)
    field_name = meta.field if isinstance(meta.field, str) else meta.field.name
    with transaction.atomic():
        fresh = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
        load_row(obj, fresh)
        try:
            if from_states is not None and getattr(obj, field_name) not in from_states:
                raise state_refusal(obj, name, field_name)
            return _run_locked(obj, meta, name, field_name, user, comment, changes, changes_action, kwargs)
        except (TransitionRefused, PermissionDenied):
            load_row(obj, fresh)  # drop the applied changes from the caller's object too
            raise


def _run_locked(
    obj: models.Model,
    meta: Any,
    name: str,
    field_name: str,
    user: Any,
    comment: str,
    changes: Mapping[str, Any] | None,
    changes_action: str,
    kwargs: dict[str, Any],
) -> ActivityLog:
    source = getattr(obj, field_name)
    if not meta.has_transition(source):
        raise state_refusal(obj, name, field_name)
    if not meta.has_transition_perm(obj, source, user):
        raise PermissionDenied
    before = snapshot(obj, changes or {})
    for field, value in (changes or {}).items():
        setattr(obj, field, value)
    for check in meta.get_transition(source).conditions:
        if not check(obj):
            raise condition_refusal(obj, name, check)
    try:
        getattr(obj, name)(by=user, comment=comment, **kwargs)
        obj.save()
    except (TransitionNotAllowed, ConcurrentTransition) as exc:
        raise TransitionRefused(
            _("Someone else changed this at the same moment. Reload the page and try again."), code="concurrent"
        ) from exc
    diff = field_changes(before, dict(changes or {}))
    if diff:
        log_event(obj, changes_action, user, data={"changes": diff})
    return log_event(
        obj,
        name,
        user,
        comment=comment,
        field_name=field_name,
        source_state=source,
        target_state=getattr(obj, field_name),
    )


def action_label(model: type[models.Model], name: str) -> str:
    """The transition's ``custom={"label": …}`` (active language), else its name with spaces."""
    for transition in _meta_of(model, name).transitions.values():
        label = transition.custom.get("label")
        if label:
            return str(label)
    return name.replace("_", " ")


def state_refusal(obj: models.Model, name: str, field_name: str = "state") -> TransitionRefused:
    """The 409 for transition ``name`` in ``obj``'s current state: the transition's ``custom={"refused": …}``
    message (else a generic one), then who changed the state to what and when (the latest log entry).

    ``extra``: ``state`` (current code) and, when logged, ``changed_by`` (the user's name, or ``"system"``),
    ``changed_to`` (state code), ``changed_at`` (ISO 8601).
    """
    state = getattr(obj, field_name)
    state_label = getattr(obj, f"get_{field_name}_display")()
    message = None
    for transition in _meta_of(type(obj), name).transitions.values():
        message = transition.custom.get("refused") or message
    text = (
        str(message)
        if message
        else _("“%(action)s” is not possible while the status is “%(state)s”.")
        % {
            "action": action_label(type(obj), name),
            "state": state_label,
        }
    )
    extra: dict[str, Any] = {"state": state}
    last = last_transition(obj, field_name)
    if last is not None:
        when = date_format(timezone.localtime(last.at), WHEN_FORMAT)
        text += " " + _("%(who)s changed it to “%(state)s” on %(when)s.") % {
            "who": last.actor_name,
            "state": last.target_label,
            "when": when,
        }
        by = "system" if last.by_system or last.actor_id is None else last.actor_name  # a code, not translated
        extra.update(changed_by=by, changed_to=last.target_state, changed_at=last.at.isoformat())
    return TransitionRefused(text, code="transition_not_allowed", **extra)


def condition_refusal(obj: models.Model, name: str, check: Any) -> TransitionRefused:
    """The 409 for an unmet condition: its own message and code, or a generic one for a plain callable."""
    refusal = getattr(check, "refusal", None)
    if refusal is not None:
        return TransitionRefused(refusal(obj), code=check.code)
    return TransitionRefused(
        _("“%(action)s” is not possible yet: its conditions are not met.") % {"action": action_label(type(obj), name)},
        code="conditions_unmet",
    )
