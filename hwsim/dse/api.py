"""REST API of design-space exploration: /api/v1/t/<tenant_slug>/lab/dse/ (lab staff).

``GET`` list (cursor, newest first) · ``POST`` create (the sweep spec of :mod:`hwsim.engine.dse` plus a title;
400 names the bad field) · ``GET {id}/`` status, progress and, once succeeded, the fronts with their points ·
``POST {id}/cancel/`` · ``POST {id}/verify/`` ``{"index"}`` → the verification request made from that point.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from hwsim.api import CONFLICT, ID_PARAMETER, LabAPIMixin
from hwsim.dse import queries as dse_queries
from hwsim.dse import services as dse_services
from hwsim.engine import dse
from hwsim.models import DseRequest
from hwsim.serializers import JobStateField
from platform_site.api import TENANT_SLUG_PARAMETER
from platform_site.pagination import NewestFirstCursorPagination
from platform_site.rules import can


class DseSweepSerializer(serializers.ModelSerializer):
    """A sweep: its spec (canonical), size, chunks, state, progress (0..1) and, once succeeded, the results:
    ``{"size", "feasible", "reasons": {code: n}, "fronts": {"cost": [index], "energy": [index]},
    "points": {index: {"latency_s", "throughput" (samples/s), "energy_j" (J/sample), "unit_cost_usd", …}}}``."""

    state = JobStateField(read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = DseRequest
        fields = ["id", "title", "state", "size", "n_chunks", "chunks_done", "progress", "spec", "results", "error"]
        fields += ["created_at", "finished_at"]
        read_only_fields = fields

    def get_progress(self, obj: DseRequest) -> float:
        return obj.percent / 100


class DseCreateSerializer(serializers.Serializer):
    """``title`` plus the sweep spec of :func:`hwsim.engine.dse.parse_sweep` (axes as lists)."""

    title = serializers.CharField(max_length=200)
    workload = serializers.CharField()
    batch = serializers.IntegerField(default=1)
    scenario = serializers.CharField()
    shapes = serializers.ListField(child=serializers.ListField(child=serializers.IntegerField()))
    dataflows = serializers.ListField(child=serializers.CharField())
    sram_kib = serializers.ListField(child=serializers.IntegerField())
    clock_ghz = serializers.ListField(child=serializers.FloatField())
    chiplets = serializers.ListField(child=serializers.IntegerField())
    partitioning = serializers.ListField(child=serializers.CharField())
    nodes = serializers.ListField(child=serializers.IntegerField())
    packages = serializers.ListField(child=serializers.CharField())
    bandwidth_gbps = serializers.FloatField(required=False, allow_null=True, default=64.0)
    volume = serializers.IntegerField(default=100_000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        raw = {k: v for k, v in attrs.items() if k != "title"}
        try:
            attrs["spec"] = dse.parse_sweep(raw, max_configs=dse_services.MAX_PORTAL_CONFIGS)
        except dse.SweepError as exc:
            raise ValidationError({exc.field: [exc.message]}) from None
        return attrs


class VerifySerializer(serializers.Serializer):
    index = serializers.IntegerField(min_value=0)


class VerifiedSerializer(serializers.Serializer):
    verification_request = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(parameters=[TENANT_SLUG_PARAMETER]),
    create=extend_schema(
        parameters=[TENANT_SLUG_PARAMETER],
        request=DseCreateSerializer,
        responses={201: DseSweepSerializer, 403: OpenApiResponse(description="Not allowed")},
    ),
    retrieve=extend_schema(parameters=[TENANT_SLUG_PARAMETER, ID_PARAMETER]),
)
class DseSweepViewSet(
    LabAPIMixin, mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Design-space sweeps of the lab (lab staff only; everyone else sees none)."""

    serializer_class = DseSweepSerializer
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self) -> QuerySet[DseRequest]:
        return dse_queries.visible_sweeps(self.request.user, self.request.tenant)

    def get_object(self, perm: str = "hwsim.view_dse") -> DseRequest:
        return dse_queries.get_sweep_for_user(self.request.user, self.request.tenant, self.kwargs["pk"], perm)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Create the sweep and queue it (its chunks run on every available worker)."""
        if not can(request.user, "hwsim.create_dse", request.tenant):
            raise PermissionDenied
        body = DseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sweep = dse_services.create_sweep(
            request.user, title=body.validated_data["title"], spec=body.validated_data["spec"]
        )
        return Response(DseSweepSerializer(sweep).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[TENANT_SLUG_PARAMETER, ID_PARAMETER],
        request=None,
        responses={200: DseSweepSerializer, 403: OpenApiResponse(description="Not allowed"), 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """Cancel the queued or running sweep."""
        sweep = self.get_object("hwsim.cancel_dse")
        dse_services.cancel_sweep(sweep, request.user)
        return Response(DseSweepSerializer(DseRequest.objects.get(pk=sweep.pk)).data)

    @extend_schema(
        parameters=[TENANT_SLUG_PARAMETER, ID_PARAMETER],
        request=VerifySerializer,
        responses={201: VerifiedSerializer, 400: OpenApiResponse(description="Not a point on a front")},
    )
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """Turn front point ``index`` into a verification request (queued); the same request on a second call."""
        sweep = self.get_object("hwsim.verify_dse_point")
        body = VerifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            vr = dse_services.verify_point(request.user, sweep, body.validated_data["index"])
        except ValueError as exc:
            raise ValidationError({"index": [str(exc)]}) from None
        return Response({"verification_request": vr.pk}, status=status.HTTP_201_CREATED)
