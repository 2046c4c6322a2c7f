"""REST API of panel invitations and declarations: /api/v1/t/<tenant_slug>/review/invitations/ …

Office staff list every invitation of the tenant, an expert their own; the CTO invites / withdraws / picks
the lead; the invited expert declares conflicts of interest, accepts or declines. Refusals are 409
``{detail, code}``; another tenant's or another expert's invitation is 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from platform_site.api import TENANT_SLUG_PARAMETER, TenantAPIMixin
from platform_site.pagination import NewestFirstCursorPagination
from platform_site.tenancy import get_for_tenant_or_404
from review import queries, services
from review.conflicts import DECLARATION_TEXT, DECLARATION_VERSION
from review.models import Expert, PanelInvitation
from review.serializers.panel import (
    CommentSerializer,
    DeclarationSerializer,
    DeclarationTextSerializer,
    DeclareRequestSerializer,
    InvitationSerializer,
    InviteRequestSerializer,
)

CONFLICT = OpenApiResponse(description="The meeting's or the invitation's state or a rule forbids this (detail, code).")
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
MEETING_FILTER = OpenApiParameter("meeting", OpenApiTypes.INT, OpenApiParameter.QUERY, required=False)


def _django_errors(exc: DjangoValidationError) -> APIValidationError:
    return APIValidationError(getattr(exc, "message_dict", None) or {"detail": exc.messages})


@extend_schema_view(
    list=extend_schema(parameters=[TENANT_SLUG_PARAMETER, MEETING_FILTER]),
    retrieve=extend_schema(parameters=[TENANT_SLUG_PARAMETER, ID]),
    create=extend_schema(
        parameters=[TENANT_SLUG_PARAMETER],
        request=InviteRequestSerializer,
        responses={201: InvitationSerializer, 409: CONFLICT},
    ),
)
class InvitationViewSet(TenantAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Panel invitations visible to the caller (office staff: the tenant's; an expert: their own)."""

    serializer_class = InvitationSerializer
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self) -> QuerySet[PanelInvitation]:
        qs = queries.visible_invitations(self.request.user, self.request.tenant)
        meeting = self.request.query_params.get("meeting")
        if meeting:
            if not meeting.isdigit():
                raise APIValidationError({"meeting": [_("A meeting id is a whole number.")]})
            qs = qs.filter(meeting_id=int(meeting))
        return qs

    def get_object(self) -> PanelInvitation:
        invitation = queries.get_invitation_for_user(self.request.user, self.request.tenant, self.kwargs["pk"])
        invitation.meeting.tenant = self.request.tenant
        if invitation.meeting.case is not None:
            invitation.meeting.case.tenant = self.request.tenant
        return invitation

    def create(self, request: Request, tenant_slug: str) -> Response:
        """The CTO invites an expert (panel max, one lead in a final, conflict flag → ``override_reason``)."""
        body = InviteRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        meeting = queries.get_panel_meeting(request.user, request.tenant, body.validated_data["meeting"])
        expert = get_for_tenant_or_404(Expert.objects.all(), pk=body.validated_data["expert"])
        invitation = services.invite_expert(
            meeting,
            expert,
            request.user,
            is_lead=body.validated_data["is_lead"],
            override_reason=body.validated_data["override_reason"],
        )
        return Response(self._out(invitation.pk), status=status.HTTP_201_CREATED)

    def _out(self, pk: int) -> dict[str, Any]:
        return InvitationSerializer(queries.get_invitation_for_user(self.request.user, self.request.tenant, pk)).data

    def _managed(self) -> PanelInvitation:
        invitation = self.get_object()
        from platform_site.rules import can

        if not can(self.request.user, "review.manage_panel", invitation):
            raise NotFound
        return invitation

    @extend_schema(
        parameters=[TENANT_SLUG_PARAMETER, ID],
        request=CommentSerializer,
        responses={200: InvitationSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """The invited expert accepts (after declaring no conflict)."""
        return self._respond(services.accept_invitation)

    @extend_schema(
        parameters=[TENANT_SLUG_PARAMETER, ID],
        request=CommentSerializer,
        responses={200: InvitationSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """The invited expert declines."""
        return self._respond(services.decline_invitation)

    @extend_schema(
        parameters=[TENANT_SLUG_PARAMETER, ID],
        request=CommentSerializer,
        responses={200: InvitationSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """The CTO takes the invitation back."""
        invitation = self._managed()
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.withdraw_invitation(invitation, request.user, comment=body.validated_data["comment"])
        return Response(self._out(invitation.pk))

    @extend_schema(
        parameters=[TENANT_SLUG_PARAMETER, ID], request=None, responses={200: InvitationSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def lead(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """The CTO makes this expert the final review's one lead reviewer (主審)."""
        invitation = self._managed()
        services.designate_lead(invitation, request.user)
        return Response(self._out(invitation.pk))

    def _respond(self, respond: Any) -> Response:
        invitation = self.get_object()
        body = CommentSerializer(data=self.request.data)
        body.is_valid(raise_exception=True)
        respond(invitation, self.request.user, comment=body.validated_data["comment"])
        return Response(self._out(invitation.pk))

    @extend_schema(methods=["GET"], parameters=[TENANT_SLUG_PARAMETER, ID], responses={200: DeclarationTextSerializer})
    @extend_schema(
        methods=["POST"],
        parameters=[TENANT_SLUG_PARAMETER, ID],
        request=DeclareRequestSerializer,
        responses={201: DeclarationSerializer, 400: OpenApiResponse(description="Invalid grounds"), 409: CONFLICT},
    )
    @action(detail=True, methods=["get", "post"])
    def declaration(self, request: Request, tenant_slug: str, pk: str) -> Response:
        """GET: the declaration text, its version and the declaration if made. POST: the invited expert
        declares (``has_conflict``, ``categories``, ``details``, ``text_version``); a conflict recuses them."""
        invitation = self.get_object()
        if request.method == "GET":
            declaration = getattr(invitation, "declaration", None)
            data = {
                "text": str(DECLARATION_TEXT),
                "version": DECLARATION_VERSION,
                "declaration": DeclarationSerializer(declaration).data if declaration else None,
            }
            return Response(data)
        body = DeclareRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            declaration = services.declare_conflicts(invitation, request.user, **body.validated_data)
        except DjangoValidationError as exc:
            raise _django_errors(exc) from None
        return Response(DeclarationSerializer(declaration).data, status=status.HTTP_201_CREATED)
