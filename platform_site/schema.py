"""``/api/schema/``: the OpenAPI document, behind a login in production and generated once per release.

Generating the schema walks every API view and serializer (tens of milliseconds, more as apps are added);
it changes only when the code does, so it is cached per release, API version and language in Django's
cache. ``PORTAL_RELEASE`` (set by the image build, see Dockerfile) names the release; without it every
process start is a new release, which with the default per-process cache is the same thing.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

#: Stands in for PORTAL_RELEASE when it is unset: a new value per process start.
_PROCESS_RELEASE = uuid.uuid4().hex
#: Seconds a cached schema lives: long enough to generate it about once a day per process and language, and
#: finite so a shared cache (Redis) does not keep the keys of old releases for ever.
SCHEMA_CACHE_SECONDS = 24 * 3600


def schema_cache_key(*, version: str | None, language: str | None) -> str:
    """Cache key of the schema document for this release, API version and language."""
    release = settings.PORTAL_RELEASE or _PROCESS_RELEASE
    return f"api-schema:{release}:{version or '-'}:{language or '-'}"


class PortalSchemaView(SpectacularAPIView):
    """drf-spectacular's schema view; anonymous access only when ``settings.PORTAL_SCHEMA_PUBLIC`` (default:
    ``DEBUG``), otherwise any signed-in user (session or token) may read it."""

    def get_permissions(self) -> list[BasePermission]:
        # Read per request (not at import like SERVE_PERMISSIONS) so the setting can differ per deployment.
        return [AllowAny()] if settings.PORTAL_SCHEMA_PUBLIC else [IsAuthenticated()]

    def _get_schema_response(self, request: Request) -> Response:
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = schema_cache_key(version=version, language=translation.get_language())
        schema: Any = cache.get(key)
        if schema is None:
            generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
            schema = generator.get_schema(request=None, public=True)
            cache.set(key, schema, timeout=SCHEMA_CACHE_SECONDS)
        return Response(
            data=schema,
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'},
        )
