"""REST API for demand cases: /api/v1/t/<tenant_slug>/cases/ (list, create, retrieve, update draft, act)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from cases import queries, services
from cases.models import DemandCase
from cases.serializers import (
    DemandCaseDetailSerializer,
    DemandCaseListSerializer,
    DemandCaseSerializer,
    QualificationDecisionSerializer,
    TransitionRequestSerializer,
)
from platform_site.api import TENANT_SLUG_PARAMETER, TenantAPIMixin
from platform_site.pagination import NewestFirstCursorPagination

CONFLICT = OpenApiResponse(description="The case's state or a rule forbids this (body: detail, code).")
ACTION_PARAMETER = OpenApiParameter(
    "action_name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(services.SIMPLE_TRANSITIONS)
)
ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(parameters=[TENANT_SLUG_PARAMETER]),
    create=extend_schema(parameters=[TENANT_SLUG_PARAMETER]),
    retrieve=extend_schema(parameters=[TENANT_SLUG_PARAMETER, ID_PARAMETER]),
    partial_update=extend_schema(
        parameters=[TENANT_SLUG_PARAMETER, ID_PARAMETER], responses={200: DemandCaseSerializer, 409: CONFLICT}
    ),
)
class DemandCaseViewSet(
    TenantAPIMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Demand cases of the tenant visible to the caller (office staff: all; applicants: their organisation's)."""

    serializer_class = DemandCaseSerializer
    pagination_class = NewestFirstCursorPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[DemandCase]:
        user, tenant = self.request.user, self.request.tenant
        if self.action == "list":
            return queries.api_case_list(user, tenant)
        return queries.visible_cases(user, tenant).order_by(*queries.LIST_ORDER)

    def get_serializer_class(self) -> type:
        if self.action == "list":
            return DemandCaseListSerializer
        return DemandCaseDetailSerializer if self.action == "retrieve" else DemandCaseSerializer

    def get_object(self) -> DemandCase:
        return queries.get_case_for_user(self.request.user, self.request.tenant, self.kwargs["pk"])

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.create_case(self.request.user, self.request.tenant, serializer.validated_data)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.update_case(serializer.instance, self.request.user, serializer.validated_data)

    @extend_schema(
        parameters=[TENANT_SLUG_PARAMETER, ID_PARAMETER, ACTION_PARAMETER],
        request=TransitionRequestSerializer,
        responses={200: DemandCaseSerializer, 403: OpenApiResponse(description="Not allowed"), 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<action_name>[a-z_]+)")
    def transition(self, request: Request, tenant_slug: str, pk: str, action_name: str) -> Response:
        """Run a named transition (submit, withdraw, start_qualification, …) with an optional comment."""
        case = self.get_object()
        body = TransitionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if action_name not in services.SIMPLE_TRANSITIONS:
            raise ValidationError({"action_name": f"unknown action {action_name!r}"})
        services.transition_case(case, action_name, request.user, comment=body.validated_data["comment"])
        return Response(DemandCaseSerializer(case, context=self.get_serializer_context()).data)

    @extend_schema(
        parameters=[TENANT_SLUG_PARAMETER, ID_PARAMETER],
        request=QualificationDecisionSerializer,
        responses={200: DemandCaseSerializer, 403: OpenApiResponse(description="Not allowed"), 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="qualification-decision")
    def qualification_decision(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """Record the 資格審 decision with the eligibility checklist (office reviewers)."""
        case = self.get_object()
        body = QualificationDecisionSerializer(data=request.data, context={"case": case})
        body.is_valid(raise_exception=True)
        services.decide_qualification(case, request.user, **body.validated_data)
        return Response(
            DemandCaseSerializer(case, context=self.get_serializer_context()).data, status=status.HTTP_200_OK
        )
