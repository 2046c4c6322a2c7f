"""API representations of supplier profiles, reference designs and referrals.

Confidential fields (reference prices, background IP, indicative prices) are present only for users with
``suppliers.view_confidential`` on the profile (office staff and the CTO; the partner for its own).
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from cases.enums import Industry
from platform_site.rules import can
from suppliers.enums import Certification, Domain, IPKind, WorkRole
from suppliers.models import PROFILE_FIELDS, BackgroundIP, ReferenceDesign, Referral, SupplierProfile


def _choices(enum: Any) -> serializers.ListField:
    return serializers.ListField(child=serializers.ChoiceField(choices=enum.choices), required=False, allow_empty=True)


def _confidential_for(serializer: serializers.Serializer, profile: SupplierProfile) -> bool:
    request = serializer.context.get("request")
    return request is not None and can(request.user, "suppliers.view_confidential", profile)


class BackgroundIPSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=IPKind.choices)

    class Meta:
        model = BackgroundIP
        fields = ["id", "title", "kind", "owner", "verified"]


class SupplierProfileSerializer(serializers.ModelSerializer):
    """A capability profile; ``state`` and dates change only through transitions. ``reference_prices`` and
    ``background_ip`` are omitted for users who may not see them."""

    organization = serializers.CharField(source="organization.name", read_only=True)
    roles = _choices(WorkRole)
    domains = _choices(Domain)
    certifications = _choices(Certification)
    background_ip = BackgroundIPSerializer(many=True, read_only=True)

    class Meta:
        model = SupplierProfile
        fields = [
            "id",
            "organization",
            "state",
            *PROFILE_FIELDS,
            "background_ip",
            "submitted_at",
            "qualification_due",
            "qualified_on",
            "final_review_due",
            "status_reason",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "state",
            "submitted_at",
            "qualification_due",
            "qualified_on",
            "final_review_due",
            "status_reason",
            "created_at",
        ]

    def to_representation(self, instance: SupplierProfile) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not _confidential_for(self, instance):
            data.pop("reference_prices", None)
            data.pop("background_ip", None)
        return data


class DirectoryEntrySerializer(serializers.ModelSerializer):
    """A directory row (no prices, no IP: the directory is a listing)."""

    organization = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = SupplierProfile
        fields = ["id", "organization", "roles", "domains", "keywords", "certifications", "lead_time_weeks"]
        read_only_fields = fields


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ReferenceDesignSerializer(serializers.ModelSerializer):
    partner = serializers.CharField(source="profile.organization.name", read_only=True)
    industries = _choices(Industry)
    roles = _choices(WorkRole)

    class Meta:
        model = ReferenceDesign
        fields = [
            "id",
            "partner",
            "state",
            "title",
            "description",
            "industries",
            "roles",
            "documents",
            "indicative_price_ntd",
            "review_comment",
            "approved_at",
            "created_at",
        ]
        read_only_fields = ["id", "partner", "state", "review_comment", "approved_at", "created_at"]

    def to_representation(self, instance: ReferenceDesign) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not _confidential_for(self, instance.profile):
            data.pop("indicative_price_ntd", None)
        return data


class ReferralSerializer(serializers.ModelSerializer):
    partner = serializers.CharField(source="profile.organization.name", read_only=True)
    case_title = serializers.CharField(source="case.title", read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "case",
            "case_title",
            "profile",
            "partner",
            "role",
            "rank",
            "reasons",
            "note",
            "state",
            "response_reason",
            "responded_at",
            "created_at",
        ]
        read_only_fields = fields


class ReferralCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1)
    profile = serializers.IntegerField(min_value=1)
    role = serializers.ChoiceField(choices=WorkRole.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ReferralAnswerSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["accept", "decline"])
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class CandidateSerializer(serializers.Serializer):
    profile = serializers.IntegerField(source="profile.pk")
    partner = serializers.CharField(source="profile.organization.name")
    points = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())


class RoleRankingSerializer(serializers.Serializer):
    role = serializers.CharField()
    label = serializers.CharField()
    candidates = CandidateSerializer(many=True)


class CaseServicesSerializer(serializers.Serializer):
    """What a case was given on the supply side: the reference design (no price) and its referrals."""

    case = serializers.IntegerField()
    reference_design = serializers.DictField(allow_null=True)
    referrals = ReferralSerializer(many=True)
