"""Per-request tenant: taken from the ``tenant_slug`` URL argument (``/t/<slug>/…``, ``/api/v1/t/<slug>/…``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
