"""Login throttling: django-axes with two limits, per username + client IP and per client IP.

django-axes (8.x) counts failures per lockout-parameter group (``AXES_LOCKOUT_PARAMETERS``) but compares
the largest count with one ``AXES_FAILURE_LIMIT``. The portal needs a higher limit for the IP group than
for the username + IP group (a guessed password for one account vs. password spraying over many accounts
from one address), so this handler scales each group's count to the common limit:

* ``["username", "ip_address"]``: ``AXES_FAILURE_LIMIT`` failures (5) lock that username from that IP only;
  others, and the same user from another IP, can still sign in (no lock-out of a victim by a stranger).
* ``"ip_address"``: ``PORTAL_LOGIN_IP_FAILURE_LIMIT`` failures (30) over any usernames lock the IP.

The client IP is ``REMOTE_ADDR`` after :class:`platform_site.middleware.TrustedProxyMiddleware`
(``AXES_CLIENT_IP_CALLABLE``), so behind the proxy it is the real client, and spoofing needs the proxy.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

IP_ONLY = ("ip_address",)


def _group(parameter: str | list[str]) -> tuple[str, ...]:
    return (parameter,) if isinstance(parameter, str) else tuple(parameter)


class PortalAxesHandler(AxesDatabaseHandler):
    """:class:`AxesDatabaseHandler` with a separate limit for the IP-only group (see module docstring)."""

    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        """Failures of the most-exhausted group, scaled so that reaching that group's limit reaches
        ``AXES_FAILURE_LIMIT``: ``floor(n * limit / group_limit) >= limit`` exactly when ``n >= group_limit``."""
        limit = get_failure_limit(request, credentials)
        groups = [_group(p) for p in get_lockout_parameters(request, credentials)]
        worst = 0
        for group, attempts in zip(groups, self.get_user_attempts(request, credentials), strict=True):
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            group_limit = settings.PORTAL_LOGIN_IP_FAILURE_LIMIT if group == IP_ONLY else limit
            worst = max(worst, count * limit // max(group_limit, 1))
        return worst

    def reset_user_attempts(self, request: Any, credentials: dict | None = None) -> int:
        """On a successful login forget only this username's failures from this IP: signing in to one's own
        account must not wipe the IP's count of failures against other accounts."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count
