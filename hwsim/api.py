"""REST API of the verification lab: /api/v1/t/<tenant_slug>/lab/ (presets, requests, status, results, cancel)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from hwsim import queries, services
from hwsim.models import PlatformPreset, RequestPlatform, VerificationJob, VerificationRequest
from hwsim.serializers import (
    JobStatusSerializer,
    PlatformPresetSerializer,
    ResultsSerializer,
    VerificationRequestCreateSerializer,
    VerificationRequestSerializer,
)
from platform_site.api import TENANT_SLUG_PARAMETER, TenantAPIMixin
from platform_site.enums import TenantKind
from platform_site.pagination import NewestFirstCursorPagination
from platform_site.rules import can
from platform_site.tenancy import get_for_tenant_or_404
from platform_site.transitions import TransitionRefused
from platform_site.visibility import get_visible_or_404

CONFLICT = OpenApiResponse(description="The job's state forbids this (body: detail, code).")
ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


class LabAPIMixin(TenantAPIMixin):
    """Tenant members only, and only in a verification-lab tenant (404 otherwise)."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request._request.tenant.kind != TenantKind.VERIFICATION_LAB:
            raise NotFound


@extend_schema_view(
    list=extend_schema(parameters=[TENANT_SLUG_PARAMETER]),
    retrieve=extend_schema(parameters=[TENANT_SLUG_PARAMETER, ID_PARAMETER]),
)
class PlatformPresetViewSet(LabAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The lab's platform library (read-only)."""

    serializer_class = PlatformPresetSerializer

    def get_queryset(self) -> QuerySet[PlatformPreset]:
        return queries.preset_library()

    def get_object(self) -> PlatformPreset:
        return get_for_tenant_or_404(self.get_queryset(), pk=self.kwargs["pk"])


@extend_schema_view(
    list=extend_schema(parameters=[TENANT_SLUG_PARAMETER]),
    create=extend_schema(
        parameters=[TENANT_SLUG_PARAMETER],
        request=VerificationRequestCreateSerializer,
        responses={201: VerificationRequestSerializer, 403: OpenApiResponse(description="Not allowed")},
    ),
    retrieve=extend_schema(parameters=[TENANT_SLUG_PARAMETER, ID_PARAMETER]),
)
class VerificationRequestViewSet(
    LabAPIMixin, mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Verification requests visible to the caller (lab staff: all; applicants: their organisation's)."""

    serializer_class = VerificationRequestSerializer
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self) -> QuerySet[VerificationRequest]:
        links = RequestPlatform.objects.select_related("preset").order_by("position", "pk")
        visible = queries.visible_requests(self.request.user, self.request.tenant)
        return visible.prefetch_related(Prefetch("platform_links", queryset=links))

    def get_object(self) -> VerificationRequest:
        visible = self.get_queryset()  # with the platforms prefetched for the serializer
        return get_visible_or_404(
            visible, self.request.user, self.request.tenant, self.kwargs["pk"], view_perm="hwsim.view_request"
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Create the request and queue its first simulation job."""
        if not can(request.user, "hwsim.create_request"):
            raise PermissionDenied
        body = VerificationRequestCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        vr = services.create_request(
            request.user,
            title=data["title"],
            presets=data["platforms"],
            workloads=data["workloads"],
            scenarios=data["scenarios"],
            seed=data["seed"],
            quick=data["quick"],
            requester_org=services.requester_organisation(request.user, request.tenant),
        )
        output = VerificationRequestSerializer(self.get_queryset().get(pk=vr.pk), context=self.get_serializer_context())
        return Response(output.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[TENANT_SLUG_PARAMETER, ID_PARAMETER],
        responses={200: JobStatusSerializer, 404: OpenApiResponse(description="No such request, or never submitted")},
    )
    @action(detail=True, methods=["get"], url_path="status")
    def job_status(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """The latest job of the request: state, progress (0..1), message; poll it until the state is final."""
        job = queries.latest_job(self.get_object())
        if job is None:
            raise NotFound
        return Response(JobStatusSerializer(job).data)

    @extend_schema(
        parameters=[TENANT_SLUG_PARAMETER, ID_PARAMETER],
        responses={200: ResultsSerializer, 409: OpenApiResponse(description="No succeeded job yet (code: not_ready)")},
    )
    @action(detail=True, methods=["get"])
    def results(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """The simulation results of the succeeded job."""
        vr = self.get_object()
        job = queries.succeeded_job(vr)
        if job is None:
            raise TransitionRefused(_("The results are not available yet."), code="not_ready")
        return Response(
            ResultsSerializer(
                {"report_number": vr.report_number, "finished_at": job.finished_at, "results": job.results}
            ).data
        )

    @extend_schema(
        parameters=[TENANT_SLUG_PARAMETER, ID_PARAMETER],
        request=None,
        responses={200: JobStatusSerializer, 403: OpenApiResponse(description="Not allowed"), 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """Cancel the queued or running job (the requester or lab staff)."""
        job = queries.latest_job(self.get_object())
        if job is None:
            raise TransitionRefused(_("There is no job to cancel."), code="no_job")
        services.cancel(job, request.user)
        return Response(JobStatusSerializer(VerificationJob.objects.get(pk=job.pk)).data)
