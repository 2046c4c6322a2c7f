"""REST API of the committee's decisions: /api/v1/t/<tenant_slug>/review/decisions/ and the applicant's view
/api/v1/t/<tenant_slug>/review/cases/<case_pk>/committee/.

- ``GET decisions/``, ``GET decisions/<id>/``: office staff see every decision in full; anyone else only the
  released decisions of the cases they may see, in the applicant's shape (outcome, comments for the applicant,
  for a pass the tier, rating, share and case manager) — never reasons, minutes, scores or expert names.
- ``POST decisions/`` ``{"meeting": id, "outcome", "reasons", …}``: the CTO records the decision and closes
  the meeting (one transaction with the case's transition); 409 ``{detail, code}`` when refused.
- ``POST decisions/<id>/release/``: the CTO releases it to the applicant (409 when not recorded / released).
- ``GET decisions/<id>/minutes/``: the minutes PDF (office staff; 404 until produced).
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from platform_site.api import TENANT_SLUG_PARAMETER, TenantAPIMixin
from platform_site.rules import can
from platform_site.tenancy import get_for_tenant_or_404
from review import queries, services
from review.enums import DecisionOutcome, ReviewStage
from review.forms.decisions import TIER_CHOICES
from review.models import ReviewDecision, ReviewMeeting

CONFLICT = OpenApiResponse(description="The meeting's or decision's state or a rule forbids this (body: detail, code).")
ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
CASE_PARAMETER = OpenApiParameter("case_pk", OpenApiTypes.INT, OpenApiParameter.PATH)


def _name(user: Any) -> str | None:
    return (user.get_full_name() or user.get_username()) if user is not None else None


class ApplicantDecisionSerializer(serializers.ModelSerializer):
    """A released decision as the applicant reads it (no reasons, minutes, scores or names but the case
    manager's, who will work with them)."""

    case = serializers.IntegerField(source="meeting.case_id", read_only=True)
    stage = serializers.CharField(source="meeting.stage", read_only=True)
    round = serializers.IntegerField(source="meeting.round", read_only=True)
    case_manager = serializers.SerializerMethodField()

    class Meta:
        model = ReviewDecision
        fields = [
            "id",
            "case",
            "stage",
            "round",
            "outcome",
            "applicant_comments",
            "value_creation_tier",
            "local_linkage_rating",
            "labour_share_percent",
            "case_manager",
            "released_at",
        ]
        read_only_fields = fields

    def get_case_manager(self, obj: ReviewDecision) -> str | None:
        return _name(obj.case_manager)


class DecisionSerializer(ApplicantDecisionSerializer):
    """A decision in full (office staff): plus meeting, state, reasons, minutes, times and the minutes' SHA-256."""

    meeting = serializers.IntegerField(source="meeting_id", read_only=True)
    # a plain string in the schema: several review machines have a "state" enum (no component-name collision)
    state = serializers.CharField(read_only=True, help_text="draft, recorded or released")
    case_manager_id = serializers.IntegerField(read_only=True)

    class Meta(ApplicantDecisionSerializer.Meta):
        fields = [
            *ApplicantDecisionSerializer.Meta.fields,
            "meeting",
            "state",
            "reasons",
            "minutes",
            "case_manager_id",
            "recorded_at",
            "minutes_sha256",
        ]
        read_only_fields = fields


class CloseMeetingSerializer(serializers.Serializer):
    """The body of ``POST decisions/``: the meeting and the consensus (see review.services.close_with_decision)."""

    meeting = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=DecisionOutcome.choices)
    reasons = serializers.CharField()
    minutes = serializers.CharField(required=False, allow_blank=True, default="")
    applicant_comments = serializers.CharField(required=False, allow_blank=True, default="")
    value_creation_tier = serializers.ChoiceField(choices=[c for c, _label in TIER_CHOICES], required=False)
    local_linkage_rating = serializers.IntegerField(min_value=1, max_value=10, required=False)
    case_manager = serializers.IntegerField(required=False, help_text="User id of a case manager of this office.")


@extend_schema_view(
    list=extend_schema(parameters=[TENANT_SLUG_PARAMETER], responses=DecisionSerializer(many=True)),
    retrieve=extend_schema(parameters=[TENANT_SLUG_PARAMETER, ID_PARAMETER], responses=DecisionSerializer),
)
class DecisionViewSet(
    TenantAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Committee decisions of the tenant (role-aware: see the module docstring)."""

    pagination_class = None

    def get_queryset(self) -> Any:
        return queries.visible_decisions(self.request.user, self.request.tenant)

    def get_serializer_class(self) -> type:
        if self.action == "create":
            return CloseMeetingSerializer
        if can(self.request.user, "review.view_decisions", self.request.tenant):
            return DecisionSerializer
        return ApplicantDecisionSerializer

    def get_object(self) -> ReviewDecision:
        return get_for_tenant_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(
        parameters=[TENANT_SLUG_PARAMETER],
        request=CloseMeetingSerializer,
        responses={201: DecisionSerializer, 400: OpenApiResponse(description="Invalid body"), 409: CONFLICT},
    )
    def create(self, request: Request, tenant_slug: str) -> Response:
        """Record the consensus decision of a meeting and close it (CTO)."""
        body = CloseMeetingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        meeting = queries.meeting_for_decision(request.user, request.tenant, data.pop("meeting"))
        if not can(request.user, "review.decide", meeting):
            raise DRFPermissionDenied
        manager_id = data.pop("case_manager", None)
        data["case_manager"] = None
        if manager_id is not None:
            data["case_manager"] = queries.case_managers(request.tenant).filter(pk=manager_id).first()
            if data["case_manager"] is None:
                raise serializers.ValidationError({"case_manager": "not a case manager of this office"})
        if data.get("value_creation_tier") is not None:
            data["value_creation_tier"] = int(data["value_creation_tier"])
        decision = services.close_with_decision(meeting, request.user, **data)
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[TENANT_SLUG_PARAMETER, ID_PARAMETER],
        request=None,
        responses={200: DecisionSerializer, 403: OpenApiResponse(description="Not allowed"), 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def release(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """Release the recorded decision to the applicant (CTO)."""
        decision = self.get_object()
        services.release_decision(decision, request.user)
        return Response(DecisionSerializer(decision).data)

    @extend_schema(
        parameters=[TENANT_SLUG_PARAMETER, ID_PARAMETER],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: OpenApiResponse(description="Not yet")},
    )
    @action(detail=True, methods=["get"])
    def minutes(self, request: Request, tenant_slug: str, pk: str) -> FileResponse:
        """The minutes PDF (office staff)."""
        if not can(request.user, "review.view_decisions", request.tenant):
            raise NotFound
        decision = self.get_object()
        if not decision.minutes_pdf:
            raise NotFound
        return FileResponse(decision.minutes_pdf.open("rb"), content_type="application/pdf")


class CommitteeMeetingSerializer(serializers.ModelSerializer):
    """A meeting as the applicant sees it: when, how, whether in-person attendance is required."""

    state = serializers.CharField(read_only=True, help_text="scheduled, in_session or closed")
    in_person_required = serializers.SerializerMethodField()
    panel = serializers.ListField(child=serializers.CharField(), source="panel_names", read_only=True)
    decision = serializers.SerializerMethodField()

    class Meta:
        model = ReviewMeeting
        fields = [
            "id",
            "stage",
            "round",
            "state",
            "scheduled_at",
            "mode",
            "room",
            "video_link",
            "agenda",
            "in_person_required",
            "panel",
            "decision",
        ]
        read_only_fields = fields

    def get_in_person_required(self, obj: ReviewMeeting) -> bool:
        return obj.stage == ReviewStage.FINAL

    @extend_schema_field(ApplicantDecisionSerializer(allow_null=True))
    def get_decision(self, obj: ReviewMeeting) -> dict[str, Any] | None:
        return ApplicantDecisionSerializer(obj.released).data if obj.released is not None else None


class CaseCommitteeView(TenantAPIMixin, APIView):
    """The applicant's view of the committee's work on one case (see :func:`review.queries.applicant_view`)."""

    @extend_schema(parameters=[TENANT_SLUG_PARAMETER, CASE_PARAMETER], responses=CommitteeMeetingSerializer(many=True))
    def get(self, request: Request, tenant_slug: str, case_pk: int) -> Response:
        try:
            view = queries.applicant_view(request.user, request.tenant, case_pk)
        except Http404 as exc:
            raise NotFound from exc
        return Response(CommitteeMeetingSerializer(view["meetings"], many=True).data)
