"""REST API of billing invoices under /api/v1/t/<tenant_slug>/billing/: invoices (list, detail, manual draft,
draft edits, issue, void, payments) and the 統一發票 number ranges. Thin: reads from :mod:`billing.queries`,
writes through :mod:`billing.services`. A refused action answers 409 ``{detail, code}`` (e.g.
``invoice_immutable``, ``numbers_exhausted``); bad input 400 with the translated message."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from billing import queries, services
from billing.lines import LineSpec
from billing.models import Invoice, InvoiceNumberRange
from billing.serializers import (
    InvoiceCreateSerializer,
    InvoiceSerializer,
    PaymentSerializer,
    RangeSerializer,
    VoidSerializer,
)
from billing.services import numbering
from platform_site.api import TENANT_SLUG_PARAMETER, TenantAPIMixin
from platform_site.models import Organization
from platform_site.pagination import NewestFirstCursorPagination
from platform_site.rules import can
from platform_site.tenancy import get_for_tenant_or_404

CONFLICT = OpenApiResponse(description="The state or a rule forbids this (body: detail, code).")
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
T = [TENANT_SLUG_PARAMETER]
TI = [TENANT_SLUG_PARAMETER, ID]


def _invalid(exc: DjangoValidationError) -> ValidationError:
    return ValidationError({"detail": exc.messages, "code": getattr(exc, "code", None) or "invalid"})


def _spec(data: dict[str, Any]) -> LineSpec:
    amount = data.get("amount")
    if amount is None:
        amount = int((data["quantity"] * Decimal(data["unit_price"])).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return LineSpec(
        data["service"],
        data["description"],
        data["quantity"],
        data["unit"],
        data["unit_price"],
        amount,
        data["taxable"],
        "api",
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[*T, OpenApiParameter("state", OpenApiTypes.STR, enum=["draft", "issued", "paid", "voided"])]
    ),
    retrieve=extend_schema(parameters=TI),
    create=extend_schema(parameters=T, request=InvoiceCreateSerializer, responses={201: InvoiceSerializer}),
    partial_update=extend_schema(parameters=TI, responses={200: InvoiceSerializer, 409: CONFLICT}),
)
class InvoiceViewSet(
    TenantAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Invoices: finance and office staff see all of the tenant's; an applicant its organisation's issued ones.
    POST (finance) drafts one; PATCH changes a draft's buyer fields (409 once issued)."""

    serializer_class = InvoiceSerializer
    pagination_class = NewestFirstCursorPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Invoice]:
        state = self.request.query_params.get("state", "")
        return queries.invoice_list(self.request.user, self.request.tenant, state=state).prefetch_related("lines")

    def get_object(self) -> Invoice:
        return queries.get_invoice_for_user(self.request.user, self.request.tenant, self.kwargs["pk"])

    def _finance(self, obj: Any) -> None:
        if not can(self.request.user, "billing.manage_invoices", obj):
            raise PermissionDenied

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._finance(request.tenant)
        body = InvoiceCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        org = None
        if data.get("buyer_organization"):
            org = get_for_tenant_or_404(Organization.objects.all(), pk=data["buyer_organization"])
        try:
            invoice = services.draft_invoice(
                request.tenant,
                lines=[_spec(line) for line in data["lines"]],
                by=request.user,
                buyer_organization=org,
                buyer_name=data["buyer_name"],
                buyer_ubn=data["buyer_ubn"],
                invoice_address=data["invoice_address"],
            )
        except DjangoValidationError as exc:
            raise _invalid(exc) from exc
        return Response(self.get_serializer(invoice).data, status=201)

    def perform_update(self, serializer: Any) -> None:
        self._finance(serializer.instance)
        try:
            serializer.instance = services.update_draft(
                serializer.instance, self.request.user, serializer.validated_data
            )
        except DjangoValidationError as exc:
            raise _invalid(exc) from exc

    @extend_schema(parameters=TI, request=None, responses={200: InvoiceSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """Issue a draft: the number is assigned now (409 ``numbers_exhausted`` when no 字軌 number is left)."""
        invoice = self.get_object()
        self._finance(invoice)
        services.issue_invoice(invoice, request.user)
        invoice.refresh_from_db()
        return Response(self.get_serializer(invoice).data)

    @extend_schema(parameters=TI, request=VoidSerializer, responses={200: InvoiceSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def void(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """Void an issued, unpaid invoice with a reason; with ``reissue`` the answer is the corrected draft."""
        invoice = self.get_object()
        self._finance(invoice)
        body = VoidSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        corrected = services.void_invoice(invoice, request.user, **body.validated_data)
        if corrected is None:
            invoice.refresh_from_db()
        return Response(self.get_serializer(corrected or invoice).data)

    @extend_schema(
        methods=["GET"], parameters=TI, responses={200: PaymentSerializer(many=True)}, description="Payments."
    )
    @extend_schema(
        methods=["POST"],
        parameters=TI,
        request=PaymentSerializer,
        responses={201: PaymentSerializer, 409: CONFLICT},
        description="Record a (partial) payment; the invoice is paid when fully paid.",
    )
    @action(detail=True, methods=["get", "post"])
    def payments(self, request: Request, tenant_slug: str, pk: str) -> Response:
        invoice = self.get_object()
        if request.method == "GET":
            return Response(PaymentSerializer(invoice.payments.all(), many=True).data)
        self._finance(invoice)
        body = PaymentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            payment = services.record_payment(invoice, request.user, **body.validated_data)
        except DjangoValidationError as exc:
            raise _invalid(exc) from exc
        return Response(PaymentSerializer(payment).data, status=201)


@extend_schema_view(list=extend_schema(parameters=T), create=extend_schema(parameters=T))
class NumberRangeViewSet(TenantAPIMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """統一發票 字軌 ranges per two-month period (finance only); POST ``{year, period, first, last}``."""

    serializer_class = RangeSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[InvoiceNumberRange]:
        if not can(self.request.user, "billing.manage_invoices", self.request.tenant):
            raise NotFound
        return InvoiceNumberRange.objects.order_by("-year", "-period", "track", "start_number")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.get_queryset()
        body = RangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            made = numbering.add_range(
                request.tenant,
                year=data["year"],
                period=data["period"],
                first=data["first"],
                last=data["last"],
                by=request.user,
            )
        except DjangoValidationError as exc:
            raise _invalid(exc) from exc
        return Response(RangeSerializer(made).data, status=201)
