"""Building blocks of every app's django-fsm state machines (declared on the model, run by ``transitions``).

* :func:`rule_permission` — the ``permission=`` of every ``@transition``: a django-rules permission checked
  with the object (never ``user.has_perm``, so no superuser short-cut).
* :class:`condition` — a ``conditions=[…]`` entry that names its translated refusal message and code;
  :func:`platform_site.transitions.run_transition` refuses with the first unmet one.
* :class:`StateMachineMixin` — the model mixin (django-fsm's ``ConcurrentTransitionMixin``) whose
  ``refresh_from_db`` does not flip the field's class-wide ``protected`` flag (thread-safe).
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import rules
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMFieldMixin


def rule_permission(name: str) -> Callable[[Any, Any], bool]:
    """A django-fsm ``permission=`` callable: ``(instance, user) -> rules.has_perm(name, user, instance)``.

    ``name`` is a permission registered with ``rules.add_perm`` (e.g. ``"cases.applicant_transition"``).
    Works for ``user=None`` (denied) and :data:`platform_site.actors.SYSTEM`.
    """

    def check(instance: Any, user: Any) -> bool:
        return rules.has_perm(name, user, instance)

    check.__name__ = check.__qualname__ = f"rule_permission({name})"
    check.permission_name = name  # type: ignore[attr-defined]
    return check


class condition:  # noqa: N801 - used as a decorator, like django-fsm's own lower-case API
    """A django-fsm transition condition that carries its refusal message.

    Decorate a model method (or wrap any ``check(instance) -> bool``)::

        @condition(message=missing_message, code="incomplete")
        def is_complete(self) -> bool: ...

        @transition(..., conditions=[is_complete])

    ``message`` is a (lazy) string or a callable ``message(instance) -> str`` (e.g. "Missing: a、b、c"),
    evaluated in the active language when the transition is refused. The decorated name still works as a
    method on instances (``case.is_complete()``).
    """

    def __init__(
        self,
        check: Callable[[Any], bool] | None = None,
        *,
        message: str | Callable[[Any], str],
        code: str = "conditions_unmet",
    ) -> None:
        self.check = check
        self.message = message
        self.code = code
        if check is not None:
            self.__name__ = getattr(check, "__name__", "condition")
            self.__doc__ = check.__doc__

    def __call__(self, instance: Any) -> Any:
        if self.check is None:  # used as @condition(message=…): the call receives the function
            self.check = instance
            self.__name__ = getattr(instance, "__name__", "condition")
            self.__doc__ = instance.__doc__
            return self
        return bool(self.check(instance))

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        return types.MethodType(self.check, instance)

    def refusal(self, instance: Any) -> str:
        """The refusal message for ``instance`` (in the active language)."""
        return str(self.message(instance) if callable(self.message) else self.message)


class StateMachineMixin(ConcurrentTransitionMixin):
    """Model mixin for django-fsm machines with ``protected=True`` fields (use it instead of
    ``ConcurrentTransitionMixin``): optimistic concurrency on save, and a thread-safe ``refresh_from_db``.

    django-fsm-2's ``refresh_from_db`` sets ``field.protected = False`` on the *class's* field while it
    reloads, then back to ``True``; in a threaded server another request's reload then meets a protected
    field half-way and raises ``AttributeError: Direct state modification is not allowed`` (a 500). Here the
    reload instead drops the instance's own state values first (the descriptor only refuses to overwrite a
    value already present on the instance), so nothing shared is touched.
    """

    class Meta:
        abstract = True

    def _protected_fsm_attnames(self) -> set[str]:
        return {f.attname for f in self._meta.concrete_fields if isinstance(f, FSMFieldMixin) and f.protected}

    def get_deferred_fields(self) -> set[str]:
        # Values dropped for a reload are being reloaded, not deferred (so Django still selects them).
        return super().get_deferred_fields() - getattr(self, "_fsm_reloading", set())

    def refresh_from_db(self, using: Any = None, fields: Any = None, from_queryset: Any = None) -> None:
        names = self._protected_fsm_attnames()
        if fields is not None:
            names &= set(fields)
        held = {name: self.__dict__.pop(name) for name in names if name in self.__dict__}
        self._fsm_reloading = set(held)
        try:
            # Skip django-fsm's FSMModelMixin.refresh_from_db (the class-wide toggle) on purpose.
            models.Model.refresh_from_db(self, using=using, fields=fields, from_queryset=from_queryset)
        except BaseException:
            for name, value in held.items():
                self.__dict__.setdefault(name, value)
            raise
        finally:
            self._fsm_reloading = set()
        self._update_initial_state()

    def load_from(self, fresh: models.Model) -> None:
        """See :func:`load_row` (``self`` takes the values of ``fresh``)."""
        load_row(self, fresh)


def load_row(obj: models.Model, fresh: models.Model) -> None:
    """Give ``obj`` every column value of ``fresh`` (another, fully loaded instance of the same row, e.g. just
    read with ``select_for_update``) without going through django-fsm's protected descriptor and without
    touching the model class (thread-safe). Cached relations whose id changed are dropped."""
    for field in obj._meta.concrete_fields:
        value = fresh.__dict__[field.attname]
        if field.is_relation and field.is_cached(obj) and obj.__dict__.get(field.attname) != value:
            field.delete_cached_value(obj)
        obj.__dict__[field.attname] = value
    obj._state.db = fresh._state.db
    obj._state.adding = False
    obj._prefetched_objects_cache = {}
    update_initial = getattr(obj, "_update_initial_state", None)
    if update_initial is not None:  # ConcurrentTransitionMixin: the state the next save must still find
        update_initial()
