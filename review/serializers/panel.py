"""API representations of panel invitations and conflict-of-interest declarations."""

from __future__ import annotations

from rest_framework import serializers

from review.conflicts import DECLARATION_VERSION
from review.enums import ConflictCategory
from review.models import ConflictDeclaration, PanelInvitation


class DeclarationSerializer(serializers.ModelSerializer):
    """A recorded declaration (利益迴避): ``categories`` are ConflictCategory codes; ``text_version`` the text read."""

    class Meta:
        model = ConflictDeclaration
        fields = ["has_conflict", "categories", "details", "text_version", "declared_at"]
        read_only_fields = fields


class InvitationSerializer(serializers.ModelSerializer):
    """An expert's seat on a meeting's panel. The case appears by id and title only (the case file itself is
    ``/cases/{case}/``, visible to the expert once they declared no conflict)."""

    stage = serializers.CharField(source="meeting.stage", read_only=True)
    round = serializers.IntegerField(source="meeting.round", read_only=True)
    scheduled_at = serializers.DateTimeField(source="meeting.scheduled_at", read_only=True)
    mode = serializers.CharField(source="meeting.mode", read_only=True)
    case = serializers.IntegerField(source="meeting.case_id", read_only=True)
    case_title = serializers.CharField(source="meeting.subject_name", read_only=True)
    expert_name = serializers.CharField(source="expert.__str__", read_only=True)
    declaration = DeclarationSerializer(read_only=True, allow_null=True)

    class Meta:
        model = PanelInvitation
        fields = [
            "id",
            "meeting",
            "stage",
            "round",
            "scheduled_at",
            "mode",
            "case",
            "case_title",
            "expert",
            "expert_name",
            "is_lead",
            "conflict_flagged",
            "override_reason",
            "state",
            "responded_at",
            "declaration",
            "created_at",
        ]
        read_only_fields = fields


class InviteRequestSerializer(serializers.Serializer):
    """The CTO invites ``expert`` to ``meeting`` (ids); ``override_reason`` is required for a flagged expert."""

    meeting = serializers.IntegerField(min_value=1)
    expert = serializers.IntegerField(min_value=1)
    is_lead = serializers.BooleanField(default=False)
    override_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class DeclareRequestSerializer(serializers.Serializer):
    """The declaration: ``text_version`` must be the current one (``GET …/declaration/`` gives text + version)."""

    has_conflict = serializers.BooleanField()
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=ConflictCategory.choices), required=False, default=list
    )
    details = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    text_version = serializers.CharField(max_length=20)


class DeclarationTextSerializer(serializers.Serializer):
    """The declaration text to show, its version, and the invitation's declaration if made (else null)."""

    text = serializers.CharField()
    version = serializers.CharField(default=DECLARATION_VERSION)
    declaration = DeclarationSerializer(allow_null=True)
