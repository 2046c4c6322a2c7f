"""The one way state machines change: check permission and state, run the django-fsm transition, log it.

Every app's ``services.py`` calls :func:`run_transition`; views and the API turn its errors into a 403/404
(:class:`~django.core.exceptions.PermissionDenied`) or a 409 (:class:`TransitionRefused`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from platform_site.models import TransitionLog


class TransitionRefused(Exception):
    """The transition is not possible in the object's current state or its conditions are unmet (HTTP 409)."""

    def __init__(self, message: str, *, code: str = "transition_not_allowed") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def transition_names(model: type[models.Model], field_name: str = "state") -> set[str]:
    """Names of all django-fsm transitions declared on ``model``'s ``field_name``."""
    field = model._meta.get_field(field_name)
    return {t.name for t in field.get_all_transitions(model)}


def run_transition(
    obj: models.Model,
    name: str,
    user: Any,
    *,
    comment: str = "",
    field_name: str = "state",
    refused_message: str | None = None,
    **kwargs: Any,
) -> TransitionLog:
    """Run transition ``name`` of ``obj`` for ``user`` and write a :class:`TransitionLog` row.

    Runs in one database transaction with the row locked (``select_for_update``): a concurrent change
    makes this call refuse rather than overwrite. Raises ``PermissionDenied`` when ``user`` may not take
    the action, :class:`TransitionRefused` when the state or a condition forbids it, ``ValueError`` for an
    unknown action name. Extra ``kwargs`` go to the transition method.
    """
    if name not in transition_names(type(obj), field_name):
        raise ValueError(f"unknown transition {name!r}")
    with transaction.atomic():
        type(obj).all_tenants.select_for_update().filter(pk=obj.pk).values_list("pk", flat=True).get()
        obj.refresh_from_db()
        method = getattr(obj, name)
        meta = method._django_fsm
        source = getattr(obj, field_name)
        if not meta.has_transition(source):
            raise TransitionRefused(refused_message or _default_refusal(obj, name, field_name))
        if not meta.has_transition_perm(obj, source, user):
            raise PermissionDenied
        if not meta.conditions_met(obj, source):
            raise TransitionRefused(refused_message or _default_refusal(obj, name, field_name), code="conditions_unmet")
        try:
            method(by=user, comment=comment, **kwargs)
            obj.save()
        except (TransitionNotAllowed, ConcurrentTransition) as exc:
            raise TransitionRefused(str(exc)) from exc
        return TransitionLog.objects.create(
            tenant=obj.tenant,
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=obj.pk,
            transition=name,
            source_state=source,
            target_state=getattr(obj, field_name),
            by=user if getattr(user, "is_authenticated", False) else None,
            comment=comment,
        )


def _default_refusal(obj: models.Model, name: str, field_name: str) -> str:
    """“<action label>” is not possible while it is “<state label>” … (in the user's language)."""
    label = name.replace("_", " ")
    for transition in getattr(obj, name)._django_fsm.transitions.values():
        label = str(transition.custom.get("label", label))
    state_display = getattr(obj, f"get_{field_name}_display")()
    return _("“%(action)s” is not possible while the status is “%(state)s”, or its conditions are not met.") % {
        "action": label,
        "state": state_display,
    }


def history(obj: models.Model) -> models.QuerySet[TransitionLog]:
    """The transition log of ``obj``, oldest first, with the acting user joined (one query)."""
    return TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).select_related("by")
