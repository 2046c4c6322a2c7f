"""REST API of the statement half under /api/v1/t/<tenant_slug>/billing/: rate cards, NRE statements (with the
whole trail; finance builds and confirms), royalty agreements (finance drafts and signs), sales reports (the
applicant files), royalty statements, royalty lines (a supplier: only its own), maintenance fees. Thin: reads
from billing.queries_statements, writes through billing.services.statements / .royalties."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from billing import queries_statements as q
from billing import serializers_statements as s
from billing.models import Equipment, SupplierNreAgreement
from billing.services import royalties
from billing.services import statements as svc
from cases.models import DemandCase
from platform_site.api import TENANT_SLUG_PARAMETER, TenantAPIMixin
from platform_site.models import Organization
from platform_site.pagination import NewestFirstCursorPagination
from platform_site.rules import can
from platform_site.tenancy import get_for_tenant_or_404

CONFLICT = OpenApiResponse(description="The state or a rule forbids this (body: detail, code).")
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
T = [TENANT_SLUG_PARAMETER]
TI = [TENANT_SLUG_PARAMETER, ID]
ACTIONS = {"confirm": svc.confirm_statement, "cancel": svc.cancel_statement}
ACTION = OpenApiParameter("action_name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(ACTIONS))


def _case(request: Request, pk: int) -> DemandCase:
    """A case of the tenant for finance's writes (404 for anyone who may not manage statements)."""
    if not can(request.user, "billing.manage_statements", request.tenant):
        raise Http404
    return get_for_tenant_or_404(DemandCase.objects.all(), pk=pk)


class _ReadOnly(TenantAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pagination_class = NewestFirstCursorPagination
    list_perm = "billing.view_statement_list"

    def check_list(self) -> None:
        if not can(self.request.user, self.list_perm, self.request.tenant):
            raise Http404

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.check_list()
        return super().list(request, *args, **kwargs)


class _StatementActions:
    @extend_schema(parameters=[*TI, ACTION], request=None, responses={200: OpenApiTypes.OBJECT, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<action_name>[a-z_]+)")
    def transition(self, request: Request, tenant_slug: str, pk: str, action_name: str) -> Response:
        """confirm / cancel (finance); 409 with {detail, code} when refused."""
        st = self.get_object()
        if action_name not in ACTIONS:
            raise ValidationError({"action_name": f"unknown action {action_name!r}"})
        ACTIONS[action_name](st, request.user, comment=str(request.data.get("comment", "")))
        st.refresh_from_db()
        return Response(self.get_serializer(st).data)


@extend_schema_view(list=extend_schema(parameters=T), retrieve=extend_schema(parameters=TI))
class RateCardViewSet(_ReadOnly):
    """Rate-card versions (finance and office staff)."""

    serializer_class = s.RateCardSerializer
    list_perm = "billing.view_rate_cards"

    def get_queryset(self) -> Any:
        return q.rate_cards(self.request.user, self.request.tenant)

    def get_object(self) -> Any:
        return q.get_rate_card(self.request.user, self.request.tenant, self.kwargs["pk"])


@extend_schema_view(
    list=extend_schema(parameters=T, responses=s.NreStatementListSerializer(many=True)),
    retrieve=extend_schema(parameters=TI),
    create=extend_schema(
        parameters=T, request=s.NreBuildSerializer, responses={201: s.NreStatementSerializer, 409: CONFLICT}
    ),
)
class NreStatementViewSet(_StatementActions, mixins.CreateModelMixin, _ReadOnly):
    """NRE statements; POST builds one from the case's acknowledged reports (finance)."""

    serializer_class = s.NreStatementSerializer

    def get_serializer_class(self) -> Any:
        return s.NreStatementListSerializer if self.action == "list" else s.NreStatementSerializer

    def get_queryset(self) -> Any:
        qs = q.nre_statements(self.request.user, self.request.tenant)
        return (
            qs
            if self.action == "list"
            else qs.prefetch_related("labour_lines__rate_card", "costs", "supplier_items__supplier")
        )

    def get_object(self) -> Any:
        return q.get_nre_statement(self.request.user, self.request.tenant, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.NreBuildSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = _case(request, body.validated_data["case"])
        st = svc.build_nre_statement(
            request.user,
            case,
            period_start=body.validated_data["period_start"],
            period_end=body.validated_data["period_end"],
        )
        return Response(s.NreStatementSerializer(st).data, status=201)

    @extend_schema(
        parameters=TI, request=s.CostItemInputSerializer, responses={200: s.NreStatementSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"], url_path="costs")
    def costs(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """Add an at-cost item (never discounted) to a draft (finance)."""
        st = self.get_object()
        body = s.CostItemInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        svc.add_cost_item(st, request.user, **body.validated_data)
        return Response(s.NreStatementSerializer(q.get_nre_statement(request.user, request.tenant, pk)).data)


@extend_schema_view(
    list=extend_schema(parameters=T),
    retrieve=extend_schema(parameters=TI),
    create=extend_schema(
        parameters=T, request=s.AgreementInputSerializer, responses={201: s.RoyaltyAgreementSerializer}
    ),
)
class RoyaltyAgreementViewSet(mixins.CreateModelMixin, _ReadOnly):
    """Royalty agreements with parties and shares; POST drafts a new version (finance); sign freezes it."""

    serializer_class = s.RoyaltyAgreementSerializer

    def get_queryset(self) -> Any:
        return q.agreements(self.request.user, self.request.tenant)

    def get_object(self) -> Any:
        return q.get_agreement(self.request.user, self.request.tenant, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.AgreementInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        case = _case(request, d["case"])
        parties = []
        for p in d["parties"]:
            org = None
            if p.get("organization"):
                org = get_for_tenant_or_404(Organization.objects.all(), pk=p["organization"])
            parties.append({"organization": org, "label": p["label"], "share": p["share"]})
        try:
            agreement = royalties.create_agreement(
                request.user,
                case,
                basis=d["basis"],
                parties=parties,
                rate_percent=d.get("rate_percent"),
                amount_per_unit=d.get("amount_per_unit"),
            )
        except DjangoValidationError as exc:
            raise ValidationError({"parties": exc.messages}) from None
        return Response(s.RoyaltyAgreementSerializer(agreement).data, status=201)

    @extend_schema(parameters=TI, request=None, responses={200: s.RoyaltyAgreementSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """Sign (finance): frozen; the previous signed version is superseded."""
        agreement = self.get_object()
        royalties.sign_agreement(agreement, request.user)
        return Response(s.RoyaltyAgreementSerializer(self.get_object()).data)


@extend_schema_view(
    list=extend_schema(parameters=T),
    retrieve=extend_schema(parameters=TI),
    create=extend_schema(
        parameters=T, request=s.SalesReportInputSerializer, responses={201: s.SalesReportSerializer, 409: CONFLICT}
    ),
)
class SalesReportViewSet(mixins.CreateModelMixin, _ReadOnly):
    """Sales reports; the applicant POSTs its sales for a period (the royalty statement is computed at once)."""

    serializer_class = s.SalesReportSerializer

    def get_queryset(self) -> Any:
        return q.sales_reports(self.request.user, self.request.tenant)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.SalesReportInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = dict(body.validated_data)
        agreement = q.get_agreement(request.user, request.tenant, d.pop("agreement"))
        try:
            report = royalties.file_sales_report(request.user, agreement, **d)
        except DjangoValidationError as exc:
            raise ValidationError({"net_sales": exc.messages}) from None
        return Response(s.SalesReportSerializer(report).data, status=201)


@extend_schema_view(list=extend_schema(parameters=T), retrieve=extend_schema(parameters=TI))
class RoyaltyStatementViewSet(_StatementActions, _ReadOnly):
    """Royalty statements with their frozen inputs and each party's line."""

    serializer_class = s.RoyaltyStatementSerializer

    def get_queryset(self) -> Any:
        return q.royalty_statements(self.request.user, self.request.tenant)

    def get_object(self) -> Any:
        return q.get_royalty_statement(self.request.user, self.request.tenant, self.kwargs["pk"])


@extend_schema_view(list=extend_schema(parameters=T), retrieve=extend_schema(parameters=TI))
class RoyaltyLineViewSet(_ReadOnly):
    """Royalty lines: a supplier sees only the lines paid to its organisation; staff see all."""

    serializer_class = s.RoyaltyLineSerializer
    list_perm = "billing.view_royalty_lines"

    def get_queryset(self) -> Any:
        if not can(self.request.user, self.list_perm, self.request.tenant):
            raise Http404
        return q.royalty_lines(self.request.user, self.request.tenant)


@extend_schema_view(list=extend_schema(parameters=T), retrieve=extend_schema(parameters=TI))
class MaintenanceFeeViewSet(_StatementActions, _ReadOnly):
    """Maintenance fees (實報實收) with their usage lines."""

    serializer_class = s.MaintenanceFeeSerializer

    def get_queryset(self) -> Any:
        return q.maintenance_fees(self.request.user, self.request.tenant).prefetch_related("usage")

    def get_object(self) -> Any:
        return q.get_maintenance_fee(self.request.user, self.request.tenant, self.kwargs["pk"])


class MaintenanceFeeCreateMixin(mixins.CreateModelMixin):
    """POST a maintenance fee (finance): the case, the period and its equipment / labour usage."""

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.MaintenanceInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        case = _case(request, d["case"])
        usage = []
        for item in d["usage"]:
            if item.get("equipment"):
                eq = get_for_tenant_or_404(Equipment.objects.all(), pk=item["equipment"])
                usage.append({"equipment": eq, "hours": item["hours"]})
            else:
                usage.append({"role": item["role"], "hours": item["hours"]})
        fee = svc.create_maintenance_fee(
            request.user, case, period_start=d["period_start"], period_end=d["period_end"], usage=usage
        )
        return Response(s.MaintenanceFeeSerializer(fee).data, status=201)


@extend_schema_view(
    list=extend_schema(parameters=T),
    retrieve=extend_schema(parameters=TI),
    create=extend_schema(
        parameters=T, request=s.MaintenanceInputSerializer, responses={201: s.MaintenanceFeeSerializer, 409: CONFLICT}
    ),
)
class MaintenanceFeeWriteViewSet(MaintenanceFeeCreateMixin, MaintenanceFeeViewSet):
    """Maintenance fees (實報實收); finance POSTs one with its equipment and labour usage."""


@extend_schema_view(
    list=extend_schema(parameters=T),
    retrieve=extend_schema(parameters=TI),
    create=extend_schema(parameters=T, responses={201: s.EquipmentSerializer}),
)
class EquipmentViewSet(mixins.CreateModelMixin, _ReadOnly):
    """Equipment with its hourly rate (finance and office staff read; finance adds)."""

    serializer_class = s.EquipmentSerializer
    list_perm = "billing.view_rate_cards"
    pagination_class = None

    def get_queryset(self) -> Any:
        if not can(self.request.user, self.list_perm, self.request.tenant):
            raise Http404
        return Equipment.objects.order_by("name", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.EquipmentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not can(request.user, "billing.manage_statements", request.tenant):
            raise Http404
        row = svc.create_equipment(request.user, request.tenant, **body.validated_data)
        return Response(s.EquipmentSerializer(row).data, status=201)


@extend_schema_view(
    list=extend_schema(parameters=T),
    retrieve=extend_schema(parameters=TI),
    create=extend_schema(parameters=T, request=s.SupplierNreInputSerializer, responses={201: s.SupplierNreSerializer}),
)
class SupplierNreViewSet(mixins.CreateModelMixin, _ReadOnly):
    """Supplier NRE agreements (seed 000 (a): agreed amounts with the document); finance records and signs."""

    serializer_class = s.SupplierNreSerializer
    list_perm = "billing.manage_statements"

    def get_queryset(self) -> Any:
        if not can(self.request.user, "billing.manage_statements", self.request.tenant):
            raise Http404
        return SupplierNreAgreement.objects.select_related("supplier").order_by("-created_at", "-pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.SupplierNreInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = dict(body.validated_data)
        case = _case(request, d.pop("case"))
        supplier = get_for_tenant_or_404(Organization.objects.all(), pk=d.pop("supplier"))
        row = svc.record_supplier_nre(request.user, case, supplier=supplier, **d)
        return Response(s.SupplierNreSerializer(row).data, status=201)

    @extend_schema(parameters=TI, request=None, responses={200: s.SupplierNreSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """Record it as signed (frozen); it is billed on the case's next NRE statement."""
        row = self.get_object()
        svc.sign_supplier_nre(row, request.user)
        row.refresh_from_db()
        return Response(s.SupplierNreSerializer(row).data)
