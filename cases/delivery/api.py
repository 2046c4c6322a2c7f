"""REST API of service delivery under /api/v1/t/<tenant_slug>/delivery/: work groups (read), assignments (office
creates, partner accepts / declines, office withdraws), milestones, progress reports (the case manager edits
and submits, the office acknowledges or returns). Hours only for office staff and the group's case manager;
partners see only their own assignments. Thin: reads in cases.delivery.queries, writes in cases.delivery.services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from cases.delivery import queries, services
from cases.delivery.models import MilestoneProgress, ReportHours, ServiceProject
from cases.delivery.serializers import (
    AssignmentCreateSerializer,
    AssignmentReasonSerializer,
    AssignmentSerializer,
    MilestoneActionSerializer,
    MilestoneSerializer,
    ReportCommentSerializer,
    ReportInternalSerializer,
    ReportSerializer,
    ReportUpdateSerializer,
    WorkGroupSerializer,
)
from platform_site.api import TENANT_SLUG_PARAMETER, TenantAPIMixin
from platform_site.pagination import NewestFirstCursorPagination
from platform_site.rules import can
from platform_site.tenancy import get_for_tenant_or_404
from suppliers.models import SupplierProfile

CONFLICT = OpenApiResponse(description="The state or a rule forbids this (body: detail, code).")
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
T = [TENANT_SLUG_PARAMETER]
TI = [TENANT_SLUG_PARAMETER, ID]


def _invalid(exc: DjangoValidationError) -> ValidationError:
    return ValidationError({"detail": [str(m) for m in exc.messages]})


@extend_schema_view(list=extend_schema(parameters=T), retrieve=extend_schema(parameters=TI))
class WorkGroupViewSet(TenantAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Work groups: office staff all, the case manager the groups they lead, the applicant its own."""

    serializer_class = WorkGroupSerializer
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self) -> Any:
        projects = Prefetch("case__service_projects", queryset=ServiceProject.objects.order_by("pk"))
        return queries.group_list(self.request.user, self.request.tenant).prefetch_related(projects)

    def get_object(self) -> Any:
        return queries.get_group_for_user(self.request.user, self.request.tenant, self.kwargs["pk"])


@extend_schema_view(
    list=extend_schema(parameters=T),
    retrieve=extend_schema(parameters=TI),
    create=extend_schema(parameters=T, request=AssignmentCreateSerializer, responses={201: AssignmentSerializer}),
)
class AssignmentViewSet(
    TenantAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Assignments: a partner sees only its own; office staff assign (``create``) and withdraw."""

    serializer_class = AssignmentSerializer
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self) -> Any:
        return queries.assignment_list(self.request.user, self.request.tenant)

    def get_object(self) -> Any:
        return queries.get_assignment_for_user(self.request.user, self.request.tenant, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = AssignmentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        group = queries.get_group_for_user(request.user, request.tenant, data.pop("work_group"), perm="delivery.manage")
        partner = get_for_tenant_or_404(SupplierProfile.objects.all(), pk=data.pop("partner"))
        assignment = services.propose_assignment(group, request.user, partner=partner, **data)
        return Response(self.get_serializer(assignment).data, status=201)

    def _respond(self, request: Request, name: str) -> Response:
        assignment = self.get_object()
        body = AssignmentReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reason = body.validated_data["reason"]
        if name == "withdraw":
            services.withdraw_assignment(assignment, request.user, reason)
        else:
            services.respond_to_assignment(assignment, request.user, accept=name == "accept", reason=reason)
        return Response(self.get_serializer(assignment).data)

    @extend_schema(
        parameters=TI, request=AssignmentReasonSerializer, responses={200: AssignmentSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """The partner accepts (the last accepted role forms the work group)."""
        return self._respond(request, "accept")

    @extend_schema(
        parameters=TI, request=AssignmentReasonSerializer, responses={200: AssignmentSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """The partner declines (``reason`` required: 409 ``reason_missing``)."""
        return self._respond(request, "decline")

    @extend_schema(
        parameters=TI, request=AssignmentReasonSerializer, responses={200: AssignmentSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """Office staff withdraw the assignment."""
        return self._respond(request, "withdraw")


@extend_schema_view(
    list=extend_schema(parameters=T),
    retrieve=extend_schema(parameters=TI),
    create=extend_schema(parameters=T, responses={201: MilestoneSerializer, 409: CONFLICT}),
)
class MilestoneViewSet(
    TenantAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Milestones of the service projects (office staff and the case manager change them)."""

    serializer_class = MilestoneSerializer
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self) -> Any:
        return queries.milestone_list(self.request.user, self.request.tenant)

    def get_object(self) -> Any:
        return queries.get_milestone_for_user(self.request.user, self.request.tenant, self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = MilestoneSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        project = body.validated_data["project"]
        group = queries.case_group(project.case_id)
        if group is None:
            raise NotFound
        queries.get_group_for_user(request.user, request.tenant, group.pk)
        milestone = services.add_milestone(
            project, request.user, title=body.validated_data["title"], planned_on=body.validated_data["planned_on"]
        )
        return Response(self.get_serializer(milestone).data, status=201)

    @extend_schema(
        parameters=[
            *TI,
            OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["cancel", "complete", "start"]),
        ],
        request=MilestoneActionSerializer,
        responses={200: MilestoneSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<name>[a-z_]+)")
    def transition(self, request: Request, tenant_slug: str, pk: str, name: str) -> Response:
        """``start``, ``complete`` (``on``: the actual date) or ``cancel``."""
        if name not in {"start", "complete", "cancel"}:
            raise NotFound
        milestone = self.get_object()
        body = MilestoneActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.milestone_transition(milestone, name, request.user, on=body.validated_data.get("on"))
        return Response(self.get_serializer(milestone).data)


@extend_schema_view(
    list=extend_schema(parameters=T, responses={200: ReportSerializer(many=True)}),
    retrieve=extend_schema(
        parameters=TI,
        responses={200: ReportInternalSerializer},
        description="Office staff and the case manager get ``hours`` and ``office_comments``; the applicant not.",
    ),
)
class ReportViewSet(TenantAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Biweekly progress reports. The applicant sees submitted / acknowledged reports of its cases, without hours."""

    pagination_class = NewestFirstCursorPagination

    def get_queryset(self) -> Any:
        qs = queries.report_list(self.request.user, self.request.tenant).select_related("work_group__lead")
        prefetch = [Prefetch("milestone_progress", queryset=MilestoneProgress.objects.order_by("milestone_id"))]
        if self._internal_list():
            prefetch.append(Prefetch("hours", queryset=ReportHours.objects.all()))
        return qs.prefetch_related(*prefetch)

    def _internal_list(self) -> bool:
        return can(self.request.user, "delivery.manage", self.request.tenant)

    def get_serializer_class(self) -> Any:
        return ReportInternalSerializer if self._internal_list() else ReportSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = [self._serialize(report) for report in page]
        return self.get_paginated_response(rows)

    def _serialize(self, report: Any) -> dict[str, Any]:
        report.tenant = self.request.tenant  # the scoped manager filtered on it: no query per row for the rules
        internal = can(self.request.user, "delivery.view_hours", report)
        return (ReportInternalSerializer if internal else ReportSerializer)(report).data

    def get_object(self) -> Any:
        return queries.get_report_for_user(self.request.user, self.request.tenant, self.kwargs["pk"])

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._serialize(self.get_object()))

    @extend_schema(
        parameters=TI, request=ReportUpdateSerializer, responses={200: ReportInternalSerializer, 409: CONFLICT}
    )
    def partial_update(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """The case manager saves the report (``hours``: [{role, hours ≥ 0}], replacing the report's rows)."""
        report = self.get_object()
        if not can(request.user, "delivery.edit_report", report):
            raise PermissionDenied
        body = ReportUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            services.save_report(
                report,
                request.user,
                work_done=data["work_done"],
                issues_risks=data["issues_risks"],
                next_steps=data["next_steps"],
                hours={row["role"]: row["hours"] for row in data["hours"]},
                progress={row["milestone"]: row["percent"] for row in data["progress"]},
            )
        except DjangoValidationError as exc:
            raise _invalid(exc) from exc
        return Response(self._serialize(self.get_object()))

    def _act(self, request: Request, name: str) -> Response:
        report = self.get_object()
        body = ReportCommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = body.validated_data["comment"]
        {
            "submit": services.submit_report,
            "acknowledge": services.acknowledge_report,
            "return": services.return_report,
        }[name](report, request.user, comment)
        return Response(self._serialize(self.get_object()))

    @extend_schema(
        parameters=TI, request=ReportCommentSerializer, responses={200: ReportInternalSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """The case manager submits (409 ``work_done_missing``)."""
        return self._act(request, "submit")

    @extend_schema(
        parameters=TI, request=ReportCommentSerializer, responses={200: ReportInternalSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """Office staff acknowledge (the hours become billable)."""
        return self._act(request, "acknowledge")

    @extend_schema(
        parameters=TI, request=ReportCommentSerializer, responses={200: ReportInternalSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_report(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """Office staff return it with ``comment`` (required: 409 ``comment_missing``)."""
        return self._act(request, "return")
