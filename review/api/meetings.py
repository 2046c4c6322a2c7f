"""REST API of review meetings and scores: /api/v1/t/<tenant_slug>/review/meetings/ (list, schedule, retrieve,
open / cancel, attendance, board) and …/meetings/<id>/scores/ (the caller's scores: read, save, submit)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from cases.queries import get_case_for_user
from platform_site.api import TENANT_SLUG_PARAMETER, TenantAPIMixin
from platform_site.pagination import NewestFirstCursorPagination
from review import queries
from review.board import criteria_of, meeting_board
from review.enums import MeetingState
from review.models import ReviewMeeting
from review.serializers.meetings import (
    AttendanceSerializer,
    MeetingCommentSerializer,
    MeetingDetailSerializer,
    MeetingSerializer,
    ScheduleMeetingSerializer,
    ScoreSerializer,
    ScoresInputSerializer,
    board_data,
)
from review.services import meetings

CONFLICT = OpenApiResponse(description="The meeting's or case's state forbids this (body: detail, code).")
ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
ACTION_PARAMETER = OpenApiParameter(
    "action_name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(meetings.MEETING_ACTIONS)
)
BOARD = inline_serializer(
    "MeetingBoard",
    {
        "experts": serializers.ListField(child=serializers.DictField()),
        "criteria": serializers.ListField(child=serializers.DictField()),
        "groups": serializers.ListField(child=serializers.DictField()),
        "panel_total": serializers.CharField(allow_null=True),
        "weighted": serializers.BooleanField(),
        "dispersion_threshold_percent": serializers.IntegerField(),
    },
)
MY_SCORES = inline_serializer(
    "MyScores",
    {
        "meeting": MeetingSerializer(),
        "submitted_at": serializers.DateTimeField(allow_null=True),
        "scores": ScoreSerializer(many=True),
        "others_visible": serializers.BooleanField(),
        "board": BOARD,
    },
)


def _django_errors(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


@extend_schema_view(
    list=extend_schema(
        parameters=[
            TENANT_SLUG_PARAMETER,
            OpenApiParameter("case", OpenApiTypes.INT, OpenApiParameter.QUERY, description="Only this case's"),
            OpenApiParameter("state", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=MeetingState.values),
        ]
    ),
    retrieve=extend_schema(parameters=[TENANT_SLUG_PARAMETER, ID_PARAMETER]),
    create=extend_schema(
        parameters=[TENANT_SLUG_PARAMETER],
        request=ScheduleMeetingSerializer,
        responses={201: MeetingDetailSerializer, 403: OpenApiResponse(description="Not the CTO"), 409: CONFLICT},
    ),
)
class ReviewMeetingViewSet(
    TenantAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Review meetings of the tenant: office staff list and read them, the CTO schedules and runs them; an
    expert with an accepted seat reads and writes their own scores (``scores``)."""

    serializer_class = MeetingSerializer
    pagination_class = NewestFirstCursorPagination
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[ReviewMeeting]:
        """Visible meetings; ``?case=<id>`` and ``?state=<code>`` narrow the list (a malformed value: 400)."""
        qs = queries.api_meeting_list(self.request.user, self.request.tenant).select_related("rubric")
        if self.action != "list":
            return qs
        params = self.request.query_params
        if params.get("case"):
            if not params["case"].isdigit():
                raise ValidationError({"case": [gettext("Enter a whole number.")]})
            qs = qs.filter(case_id=int(params["case"]))
        if params.get("state"):
            if params["state"] not in MeetingState.values:
                raise ValidationError({"state": [gettext("Unknown status: %s") % params["state"]]})
            qs = qs.filter(state=params["state"])
        return qs

    def get_serializer_class(self) -> type:
        return MeetingDetailSerializer if self.action == "retrieve" else MeetingSerializer

    def get_object(self) -> ReviewMeeting:
        with_panel = self.action == "retrieve"
        return queries.get_meeting_for_user(
            self.request.user, self.request.tenant, self.kwargs["pk"], with_panel=with_panel
        )

    def _detail(self, meeting: ReviewMeeting, code: int = status.HTTP_200_OK) -> Response:
        """The meeting as it is now, with its panel (read again after a write)."""
        fresh = queries.get_meeting_for_user(self.request.user, self.request.tenant, meeting.pk, with_panel=True)
        return Response(MeetingDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = ScheduleMeetingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        case = get_case_for_user(request.user, request.tenant, data.pop("case"))
        stage = dict(queries.WAITING).get(case.state)
        if stage is None:
            raise ValidationError({"case": [gettext("This case is not waiting for a preliminary or final review.")]})
        try:
            meeting = meetings.schedule_meeting(request.user, case, stage=stage, **data)
        except DjangoValidationError as exc:
            raise _django_errors(exc) from exc
        return self._detail(meeting, status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[TENANT_SLUG_PARAMETER, ID_PARAMETER, ACTION_PARAMETER],
        request=MeetingCommentSerializer,
        responses={200: MeetingDetailSerializer, 403: OpenApiResponse(description="Not allowed"), 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<action_name>[a-z_]+)")
    def transition(self, request: Request, tenant_slug: str, pk: str, action_name: str) -> Response:
        """Open (scheduled → in session) or cancel the meeting (the CTO)."""
        meeting = self.get_object()
        body = MeetingCommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if action_name not in meetings.MEETING_ACTIONS:
            raise ValidationError({"action_name": [gettext("Unknown action: %s") % action_name]})
        meetings.run_meeting_action(meeting, action_name, request.user, comment=body.validated_data["comment"])
        return self._detail(meeting)

    @extend_schema(
        parameters=[TENANT_SLUG_PARAMETER, ID_PARAMETER],
        request=AttendanceSerializer,
        responses={200: MeetingDetailSerializer, 403: OpenApiResponse(description="Not the CTO"), 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """Record the experts' and the applicant's attendance (the CTO, while the meeting is open)."""
        meeting = self.get_object()
        body = AttendanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            meetings.record_attendance(
                meeting,
                request.user,
                experts={e["invitation"]: e["attended"] for e in data["experts"]},
                applicant_attendance=data["applicant_attendance"],
                applicant_attendees=data["applicant_attendees"],
            )
        except DjangoValidationError as exc:
            raise _django_errors(exc) from exc
        return self._detail(meeting)

    @extend_schema(parameters=[TENANT_SLUG_PARAMETER, ID_PARAMETER], responses={200: BOARD})
    @action(detail=True, methods=["get"])
    def board(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """Every accepted expert's scores side by side, dispersion flags, weighted totals, leniency (office)."""
        return Response(board_data(meeting_board(self.get_object())))

    @extend_schema(
        methods=["GET"], parameters=[TENANT_SLUG_PARAMETER, ID_PARAMETER], request=None, responses={200: MY_SCORES}
    )
    @extend_schema(
        methods=["POST"],
        parameters=[TENANT_SLUG_PARAMETER, ID_PARAMETER],
        request=ScoresInputSerializer,
        responses={200: MY_SCORES, 400: OpenApiResponse(description="Invalid scores"), 409: CONFLICT},
    )
    @action(detail=True, methods=["get", "post"])
    def scores(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """The caller's scores on this meeting (an accepted seat only, else 404); POST saves or submits them
        (frozen once the meeting closed: 409 ``meeting_closed``). ``board`` is the panel's scores when
        ``others_visible`` (open visibility, or after submitting under independent visibility), else null."""
        seat = queries.get_own_seat(request.user, request.tenant, pk)
        seat.meeting.tenant = request.tenant
        if request.method == "POST":
            body = ScoresInputSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            entries = {
                e["criterion"]: {"value": e["value"], "text": e["text"], "justification": e["justification"]}
                for e in body.validated_data["scores"]
            }
            try:
                meetings.save_scores(seat, request.user, entries, submit=body.validated_data["submit"])
            except DjangoValidationError as exc:
                raise _django_errors(exc) from exc
        visible = queries.others_visible(seat)
        criteria = criteria_of(seat.meeting)
        board = meeting_board(seat.meeting, with_leniency=False, criteria=criteria) if visible else None
        own = sorted(queries.seat_scores(seat).values(), key=lambda s: s.criterion_id)
        for score in own:
            score.criterion = next(c for c in criteria if c.pk == score.criterion_id)
        return Response(
            {
                "meeting": MeetingSerializer(seat.meeting).data,
                "submitted_at": seat.scores_submitted_at,
                "scores": ScoreSerializer(own, many=True).data,
                "others_visible": visible,
                "board": board_data(board) if board else None,
            }
        )
