"""REST API of the suppliers app under /api/v1/t/<tenant_slug>/suppliers/: profiles (with onboarding
transitions and the obligations), the partner directory search, reference designs, referrals and the
matchmaking ranking of a case. Thin: reads from :mod:`suppliers.queries`, writes through :mod:`suppliers.services`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from cases.queries import get_case_for_user
from platform_site.api import TENANT_SLUG_PARAMETER, TenantAPIMixin
from platform_site.pagination import NewestFirstCursorPagination
from platform_site.rules import can
from platform_site.tenancy import get_for_tenant_or_404
from suppliers import matching, queries, services
from suppliers.enums import Certification, Domain, WorkRole
from suppliers.models import SupplierProfile
from suppliers.serializers import (
    CaseServicesSerializer,
    DirectoryEntrySerializer,
    ReasonSerializer,
    ReferenceDesignSerializer,
    ReferralAnswerSerializer,
    ReferralCreateSerializer,
    ReferralSerializer,
    RoleRankingSerializer,
    SupplierProfileSerializer,
)

CONFLICT = OpenApiResponse(description="The state or a rule forbids this (body: detail, code).")
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
T = [TENANT_SLUG_PARAMETER]
TI = [TENANT_SLUG_PARAMETER, ID]


def _action_parameter(names: frozenset[str]) -> OpenApiParameter:
    return OpenApiParameter("action_name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(names))


@extend_schema_view(
    list=extend_schema(parameters=T),
    create=extend_schema(parameters=T, request=None, responses={201: SupplierProfileSerializer}),
    retrieve=extend_schema(parameters=TI),
    partial_update=extend_schema(parameters=TI, responses={200: SupplierProfileSerializer, 409: CONFLICT}),
)
class SupplierProfileViewSet(
    TenantAPIMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Capability profiles: office staff see all; a supplier its own. POST makes the supplier's draft."""

    serializer_class = SupplierProfileSerializer
    pagination_class = NewestFirstCursorPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[SupplierProfile]:
        return queries.profile_list(self.request.user, self.request.tenant).prefetch_related("background_ip")

    def get_object(self) -> SupplierProfile:
        return queries.get_profile_for_user(self.request.user, self.request.tenant, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        profile = services.create_profile(request.user, request.tenant)
        return Response(self.get_serializer(profile).data, status=201)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.update_profile(serializer.instance, self.request.user, serializer.validated_data)

    @extend_schema(
        parameters=[*TI, _action_parameter(services.PROFILE_TRANSITIONS)],
        request=ReasonSerializer,
        responses={200: SupplierProfileSerializer, 403: OpenApiResponse(description="Not allowed"), 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<action_name>[a-z_]+)")
    def transition(self, request: Request, tenant_slug: str, pk: str, action_name: str) -> Response:
        """Run an onboarding transition (submit, start_qualification, qualify, return_for_information, reject,
        approve, reject_final, return_final, suspend, reinstate); ``reason`` where one is required."""
        profile = self.get_object()
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if action_name not in services.PROFILE_TRANSITIONS:
            raise ValidationError({"action_name": f"unknown action {action_name!r}"})
        services.transition_profile(profile, action_name, request.user, reason=body.validated_data["reason"])
        return Response(self.get_serializer(profile).data)

    @extend_schema(parameters=TI, request=None, responses={200: SupplierProfileSerializer})
    @action(detail=True, methods=["post"], url_path="accept-obligations")
    def accept_obligations(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """The supplier accepts the current obligations text (recorded with who, when and the version)."""
        profile = self.get_object()
        services.accept_obligations(profile, request.user)
        return Response(self.get_serializer(profile).data)


class DirectoryPagination(PageNumberPagination):
    """Page numbers with ``count`` (the directory is ranked, so no cursor)."""

    page_size = 20


@extend_schema_view(
    list=extend_schema(
        parameters=[
            *T,
            OpenApiParameter("q", OpenApiTypes.STR, description="Keywords (Traditional Chinese or English)"),
            OpenApiParameter("role", OpenApiTypes.STR, enum=WorkRole.values),
            OpenApiParameter("domain", OpenApiTypes.STR, enum=Domain.values),
            OpenApiParameter("certification", OpenApiTypes.STR, enum=Certification.values),
        ]
    )
)
class DirectoryViewSet(TenantAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The approved partners (office staff), filtered and searched as on the directory page, ranked."""

    serializer_class = DirectoryEntrySerializer
    pagination_class = DirectoryPagination

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not can(request.user, "suppliers.view_directory", request.tenant):
            raise Http404
        params = {k: str(request.query_params.get(k, ""))[:60] for k in ("q", "role", "domain", "certification")}
        rows, ranked = queries.directory(request.user, request.tenant, **params)
        page = self.paginate_queryset(rows)
        items = queries.rows_for_ids(list(page)) if ranked else page
        return self.get_paginated_response(self.get_serializer(items, many=True).data)


@extend_schema_view(
    list=extend_schema(parameters=T),
    create=extend_schema(parameters=T),
    retrieve=extend_schema(parameters=TI),
)
class ReferenceDesignViewSet(
    TenantAPIMixin, mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Reference designs: the approved catalogue for members; a partner's own; all for office staff."""

    serializer_class = ReferenceDesignSerializer
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self) -> Any:
        return queries.design_list(self.request.user, self.request.tenant, self.request.query_params.get("state", ""))

    def get_object(self) -> Any:
        return queries.get_design_for_user(self.request.user, self.request.tenant, self.kwargs["pk"])

    def perform_create(self, serializer: Any) -> None:
        own = queries.own_profile(self.request.user, self.request.tenant)
        if own is None:
            raise Http404
        serializer.instance = services.create_design(own, self.request.user, serializer.validated_data)

    @extend_schema(
        parameters=[*TI, _action_parameter(services.DESIGN_TRANSITIONS)],
        request=ReasonSerializer,
        responses={200: ReferenceDesignSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<action_name>[a-z_]+)")
    def transition(self, request: Request, tenant_slug: str, pk: str, action_name: str) -> Response:
        """publish (partner), approve / return_design (office), withdraw (partner)."""
        design = self.get_object()
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if action_name not in services.DESIGN_TRANSITIONS:
            raise ValidationError({"action_name": f"unknown action {action_name!r}"})
        services.transition_design(design, action_name, request.user, comment=body.validated_data["reason"])
        return Response(self.get_serializer(design).data)


@extend_schema_view(
    list=extend_schema(parameters=T),
    retrieve=extend_schema(parameters=TI),
    create=extend_schema(
        parameters=T, request=ReferralCreateSerializer, responses={201: ReferralSerializer, 409: CONFLICT}
    ),
)
class ReferralViewSet(
    TenantAPIMixin, mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Matchmaking referrals: office staff see and make all; a partner sees and answers its own."""

    serializer_class = ReferralSerializer
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self) -> Any:
        return queries.referral_list(self.request.user, self.request.tenant)

    def get_object(self) -> Any:
        return queries.get_referral_for_user(self.request.user, self.request.tenant, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = ReferralCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        case = get_case_for_user(request.user, request.tenant, data["case"], perm="suppliers.matchmake")
        profile = get_for_tenant_or_404(SupplierProfile.objects.select_related("organization"), pk=data["profile"])
        referral = services.refer(case, request.user, profile, data["role"], note=data["note"])
        return Response(self.get_serializer(referral).data, status=201)

    @extend_schema(parameters=TI, request=ReferralAnswerSerializer, responses={200: ReferralSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """The partner accepts or declines (``reason`` required to decline)."""
        referral = self.get_object()
        body = ReferralAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        accept = body.validated_data["decision"] == "accept"
        services.answer_referral(referral, request.user, accept, reason=body.validated_data["reason"])
        return Response(self.get_serializer(referral).data)


class MatchmakingViewSet(TenantAPIMixin, viewsets.GenericViewSet):
    """The ranked partners per required role of a case, with the reasons (office staff)."""

    serializer_class = RoleRankingSerializer

    @extend_schema(parameters=TI, responses={200: RoleRankingSerializer(many=True)})
    def retrieve(self, request: Request, tenant_slug: str, pk: str) -> Response:
        case = get_case_for_user(request.user, request.tenant, pk, perm="suppliers.matchmake")
        rows = [{"role": r, "label": label, "candidates": c} for r, label, c in matching.ranking(case)]
        return Response(RoleRankingSerializer(rows, many=True).data)


class CaseServicesViewSet(TenantAPIMixin, viewsets.GenericViewSet):
    """A case's reference design and referrals, for office staff and the case's applicant (no prices)."""

    serializer_class = CaseServicesSerializer

    @extend_schema(parameters=TI, responses={200: CaseServicesSerializer})
    def retrieve(self, request: Request, tenant_slug: str, pk: str) -> Response:
        case = get_case_for_user(request.user, request.tenant, pk)
        link = queries.case_design(case)
        design = None
        if link is not None:
            d = link.design
            design = {
                "id": d.pk,
                "title": d.title,
                "description": d.description,
                "partner": d.profile.organization.name,
                "note": link.note,
            }
        referrals = queries.case_referrals(case)
        if not can(request.user, "suppliers.matchmake", case):
            referrals = [r for r in referrals if r.state == "accepted"]
        data = {"case": case.pk, "reference_design": design, "referrals": referrals}
        return Response(CaseServicesSerializer(data, context=self.get_serializer_context()).data)
