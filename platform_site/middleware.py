"""Per-request middleware.

* :class:`TenantMiddleware`: the tenant, taken from the ``tenant_slug`` URL argument (``/t/<slug>/…``,
  ``/api/v1/t/<slug>/…``).
* :class:`TrustedProxyMiddleware`: the client address and scheme, believed only from the reverse proxy.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse

from platform_site import tenancy
from platform_site.models import Tenant


class TenantMiddleware:
    """Sets ``request.tenant`` and enters the tenant scope for the view and its response rendering.

    An unknown or inactive slug is a 404. Membership is checked by the views (a non-member gets 404).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.tenant = None  # type: ignore[attr-defined]
        try:
            return self.get_response(request)
        finally:
            token = request.__dict__.pop("_tenant_token", None)
            if token is not None:
                tenancy._current_tenant.reset(token)
                tenancy._apply_db_setting(None)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: dict) -> None:
        slug = view_kwargs.get("tenant_slug")
        if slug is None:
            return None
        tenant = Tenant.objects.filter(slug=slug, is_active=True).first()
        if tenant is None:
            raise Http404("No such programme office")
        request.tenant = tenant  # type: ignore[attr-defined]
        request._tenant_token = tenancy._current_tenant.set(tenant)  # type: ignore[attr-defined]
        tenancy._apply_db_setting(tenant.pk)
        return None


_FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PROTOCOL",
    "HTTP_X_FORWARDED_SSL",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


@functools.lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def _parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def is_trusted_proxy(address: str) -> bool:
    """Whether ``address`` (an IP string) is in ``settings.PORTAL_TRUSTED_PROXIES`` (CIDRs; empty = none)."""
    ip = _parse_ip(address)
    return ip is not None and any(ip in net for net in _networks(tuple(settings.PORTAL_TRUSTED_PROXIES)))


class TrustedProxyMiddleware:
    """Honours ``X-Forwarded-For`` / ``X-Forwarded-Proto`` only from a trusted reverse proxy.

    Must be the first middleware (before ``SecurityMiddleware``, which reads ``SECURE_PROXY_SSL_HEADER``).
    When the peer (``REMOTE_ADDR``) is in ``settings.PORTAL_TRUSTED_PROXIES``, ``REMOTE_ADDR`` becomes the
    client address from ``X-Forwarded-For`` (the right-most address that is not itself a trusted proxy; our
    nginx overwrites the header with the address it saw, see docker/nginx.conf) and ``X-Forwarded-Proto``
    is kept. From any other peer every forwarding header is removed, so a client talking to the app
    directly cannot pass for https or for another IP (login throttling keys on ``REMOTE_ADDR``).
    The peer's own address stays in ``request.META["PORTAL_PEER_ADDR"]``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        peer = meta.get("REMOTE_ADDR", "")
        meta["PORTAL_PEER_ADDR"] = peer
        if is_trusted_proxy(peer):
            client = self._client_from_forwarded_for(meta.get("HTTP_X_FORWARDED_FOR", ""))
            if client is not None:
                meta["REMOTE_ADDR"] = client
            for name in _FORWARDED_HEADERS:
                if name not in ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO"):
                    meta.pop(name, None)
        else:
            for name in _FORWARDED_HEADERS:
                meta.pop(name, None)
        return self.get_response(request)

    @staticmethod
    def _client_from_forwarded_for(header: str) -> str | None:
        """The right-most address of the chain that is not a trusted proxy; ``None`` if absent or malformed."""
        hops = [hop for hop in header.split(",") if hop.strip()]
        for hop in reversed(hops):
            ip = _parse_ip(hop)
            if ip is None:
                return None
            if not is_trusted_proxy(str(ip)):
                return str(ip)
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client address for login throttling (``AXES_CLIENT_IP_CALLABLE``): ``REMOTE_ADDR`` as set by
    :class:`TrustedProxyMiddleware`."""
    return request.META.get("REMOTE_ADDR")
