"""The one system actor: the portal itself acting (Celery beat deadlines, reminders, billing runs, the job worker).

Code that acts without a web user passes :data:`SYSTEM` explicitly as the ``user`` of a service or of
:func:`platform_site.transitions.run_transition`. :data:`SYSTEM` holds no role in any tenant, is not
authenticated and is never a superuser: it may do exactly what a rule built on :data:`is_system` allows
(e.g. ``rules.add_perm("hwsim.system_job_transition", is_system)``). ``None`` is *not* the system: a
transition taken with ``user=None`` is denied like an anonymous one. The activity log records the system's
entries with ``actor=None, by_system=True`` and shows them as "system".
"""

from __future__ import annotations

from typing import Any

import rules


class SystemActor:
    """The type of :data:`SYSTEM` (one instance). Quacks enough like a user for permission code to say no."""

    is_system = True
    is_authenticated = False
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __repr__(self) -> str:
        return "SYSTEM"

    def __str__(self) -> str:
        return "system"

    def get_full_name(self) -> str:
        return "system"

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """Always go through :func:`platform_site.rules.can` (rules only); this Django hook grants nothing."""
        return False


#: The system actor (compare with ``is``).
SYSTEM = SystemActor()


def actor_is_system(user: Any) -> bool:
    """Whether ``user`` is :data:`SYSTEM`."""
    return user is SYSTEM


@rules.predicate
def is_system(user: Any, obj: Any = None) -> bool:
    """Predicate: the actor is :data:`SYSTEM` (never a web user, never ``None``)."""
    return user is SYSTEM
