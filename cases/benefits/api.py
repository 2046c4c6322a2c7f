"""REST API of benefit tracking: /api/v1/t/<tenant_slug>/benefits/.

- ``GET measurements/`` (``?case=<id>``), ``GET measurements/<id>/``: the measurements the user may see (office
  staff all; a case manager those of the cases they manage; an applicant its own cases'), newest period first,
  by cursor.
- ``POST measurements/`` (JSON, or multipart with an ``evidence`` file): record one; 400 ``{field: [message]}``
  for bad input (OEE factor outside [0, 1], ROI with zero invested cost, a negative count, a case not closed),
  403 for a user who sees the case but may not record, 404 for a case they cannot see.
- ``GET dashboard/``, ``GET dashboard/<key>/``: the office dashboard's tables (office staff; 403 otherwise).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.apps import CASE_TENANT_KINDS
from cases.benefits import queries, services
from cases.benefits.serializers import DashboardTableSerializer, MeasurementInputSerializer, MeasurementSerializer
from cases.hooks import DashboardTable, render_dashboard_tables
from platform_site.api import TENANT_SLUG_PARAMETER, TenantAPIMixin
from platform_site.pagination import NewestFirstCursorPagination
from platform_site.rules import can


class PeriodCursorPagination(NewestFirstCursorPagination):
    """Newest period first (``kpi_kind_period_idx`` / ``kpi_case_trend_idx``)."""

    ordering = ("-period_end", "-pk")


def _require_office_tenant(request: Request) -> None:
    if request._request.tenant.kind not in CASE_TENANT_KINDS:
        raise NotFound


@extend_schema_view(
    list=extend_schema(
        parameters=[TENANT_SLUG_PARAMETER, OpenApiParameter("case", int, description="Only this case's")],
    ),
    retrieve=extend_schema(parameters=[TENANT_SLUG_PARAMETER, OpenApiParameter("id", int, OpenApiParameter.PATH)]),
    create=extend_schema(
        parameters=[TENANT_SLUG_PARAMETER],
        request={"application/json": MeasurementInputSerializer, "multipart/form-data": MeasurementInputSerializer},
        responses={
            201: MeasurementSerializer,
            400: OpenApiResponse(description="Invalid measurement: {field: [message]}."),
            403: OpenApiResponse(description="The user may see the case's KPIs but not record them."),
            404: OpenApiResponse(description="No such case for this user."),
        },
    ),
)
class MeasurementViewSet(
    TenantAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """KPI measurements (效益追蹤) of cases (seed 001_f4b2551ebc037df1.txt OEE / ROI)."""

    serializer_class = MeasurementSerializer
    pagination_class = PeriodCursorPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        _require_office_tenant(request)

    def get_queryset(self) -> Any:
        tenant = self.request._request.tenant
        case = self.request.query_params.get("case")
        if case is not None and not case.isdigit():
            raise ValidationError({"case": [gettext("Enter a case id.")]})
        return queries.measurement_list(self.request.user, tenant, int(case) if case else None)

    def get_object(self) -> Any:
        return queries.get_measurement_for_user(self.request.user, self.request._request.tenant, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        tenant = request._request.tenant
        given = MeasurementInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        case = queries.get_case_for_kpis(request.user, tenant, data.pop("case"))
        evidence = data.pop("evidence", None)
        try:
            measurement = services.record_measurement(request.user, case, data, evidence)
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict"):
                errors = {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
            else:
                errors = {"evidence": exc.messages}
            raise ValidationError(errors) from None
        return Response(MeasurementSerializer(measurement).data, status=status.HTTP_201_CREATED)


def _cell(value: Any) -> Any:
    """A cell in JSON: int as a number, Decimal as a string, date ISO, None null, else text."""
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _table_data(table: DashboardTable) -> dict[str, Any]:
    return {
        "key": table.key,
        "title": str(table.title),
        "columns": [str(c) for c in table.columns],
        "rows": [[_cell(c) for c in row] for row in table.rows],
        "danger_rows": sorted(table.danger_rows),
    }


class _DashboardBase(TenantAPIMixin, APIView):
    def tables(self, request: Request) -> list[DashboardTable]:
        _require_office_tenant(request)
        tenant = request._request.tenant
        if not can(request.user, "benefits.view_dashboard", tenant):
            raise DRFPermissionDenied
        return render_dashboard_tables(tenant)


class DashboardView(_DashboardBase):
    """Every table of the office dashboard (the same rows as the page and the CSV / XLSX exports)."""

    @extend_schema(parameters=[TENANT_SLUG_PARAMETER], responses=DashboardTableSerializer(many=True))
    def get(self, request: Request, tenant_slug: str) -> Response:
        return Response([_table_data(t) for t in self.tables(request)])


class DashboardTableView(_DashboardBase):
    """One table of the office dashboard by key (``funnel``, ``sla_breaches``, ``programme_kpis``, …)."""

    @extend_schema(
        parameters=[TENANT_SLUG_PARAMETER, OpenApiParameter("key", str, OpenApiParameter.PATH)],
        responses=DashboardTableSerializer,
    )
    def get(self, request: Request, tenant_slug: str, key: str) -> Response:
        table = next((t for t in self.tables(request) if t.key == key), None)
        if table is None:
            raise NotFound
        return Response(_table_data(table))
