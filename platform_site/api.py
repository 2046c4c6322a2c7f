"""API plumbing shared by every app: tenant membership gate, error mapping (409 for refused transitions)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from platform_site.models import ActivityLog
from platform_site.rules import is_member
from platform_site.transitions import TransitionRefused

TENANT_SLUG_PARAMETER = OpenApiParameter(
    "tenant_slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="Programme office (tenant) slug, e.g. tsmp"
)


class TenantAPIMixin:
    """For tenant API views: an authenticated user with no role in the URL's tenant gets 404."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if not is_member(request.user, getattr(request._request, "tenant", None)):
            raise NotFound


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler plus: TransitionRefused → 409 ``{"detail", "code", **extra}`` (e.g. ``state``,
    ``changed_by``, ``changed_to``, ``changed_at`` when the state changed); Django 404/403 as usual."""
    if isinstance(exc, TransitionRefused):
        return Response({**exc.extra, "detail": exc.message, "code": exc.code}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Http404):
        exc = NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        exc = PermissionDenied()
    return drf_exception_handler(exc, context)


class ActivityLogSerializer(serializers.ModelSerializer):
    """One activity-log entry: ``action`` (transition name or event code) and its label; for transitions
    ``field_name``, ``source_state``, ``target_state``; ``by`` (user's name, ``null`` for the system, then
    ``by_system`` is true); ``data`` (event details, e.g. ``changes`` of an edit)."""

    by = serializers.SerializerMethodField()
    action_label = serializers.CharField(read_only=True)

    class Meta:
        model = ActivityLog
        fields = [
            "action",
            "action_label",
            "field_name",
            "source_state",
            "target_state",
            "by",
            "by_system",
            "at",
            "comment",
            "data",
        ]
        read_only_fields = fields

    def get_by(self, obj: ActivityLog) -> str | None:
        return obj.actor.get_full_name() or obj.actor.get_username() if obj.actor_id else None
