"""API representations of demand cases."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.enums import Customisation, QualificationDecision
from cases.models import INTAKE_FIELDS, CaseDocument, DemandCase, validate_customisations
from platform_site.activity import history
from platform_site.api import ActivityLogSerializer


class CaseDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseDocument
        fields = ["id", "kind", "original_name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class DemandCaseSerializer(serializers.ModelSerializer):
    """A demand case. ``state`` and the review fields are read-only: they change only through transitions."""

    customisations = serializers.ListField(
        child=serializers.ChoiceField(choices=Customisation.choices), required=False, allow_empty=True
    )
    applicant_org = serializers.CharField(source="applicant_org.name", read_only=True)
    qualification_days_left = serializers.SerializerMethodField()

    class Meta:
        model = DemandCase
        fields = [
            "id",
            "reference",
            "state",
            "applicant_org",
            *INTAKE_FIELDS,
            "submitted_at",
            "qualification_due",
            "qualification_days_left",
            "closure_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "reference",
            "state",
            "submitted_at",
            "qualification_due",
            "closure_reason",
            "created_at",
            "updated_at",
        ]

    def get_qualification_days_left(self, obj: DemandCase) -> int | None:
        return obj.qualification_days_left()

    def validate_customisations(self, value: list[str]) -> list[str]:
        try:
            validate_customisations(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return list(dict.fromkeys(value))


class DemandCaseListSerializer(serializers.ModelSerializer):
    """A demand case as the list endpoint returns it: the columns of the case list page (number, title,
    organisation, state with closure reason, submission and qualification due date) plus ``id`` and
    ``created_at`` (the cursor's sort key). Read-only; ``GET …/cases/{id}/`` returns the whole case."""

    applicant_org = serializers.CharField(source="applicant_org.name", read_only=True)
    qualification_days_left = serializers.SerializerMethodField()

    class Meta:
        model = DemandCase
        fields = [
            "id",
            "reference",
            "state",
            "closure_reason",
            "applicant_org",
            "title",
            "submitted_at",
            "qualification_due",
            "qualification_days_left",
            "created_at",
        ]
        read_only_fields = fields

    def get_qualification_days_left(self, obj: DemandCase) -> int | None:
        return obj.qualification_days_left()


class DemandCaseDetailSerializer(DemandCaseSerializer):
    documents = CaseDocumentSerializer(many=True, read_only=True)
    history = serializers.SerializerMethodField()

    class Meta(DemandCaseSerializer.Meta):
        fields = [*DemandCaseSerializer.Meta.fields, "documents", "history"]

    @extend_schema_field(ActivityLogSerializer(many=True))
    def get_history(self, obj: DemandCase) -> list[dict[str, Any]]:
        return ActivityLogSerializer(history(obj), many=True).data  # type: ignore[return-value]


class TransitionRequestSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class QualificationDecisionSerializer(serializers.Serializer):
    """The 資格審 decision and checklist (seed 000_9617a3b789ca4d20.txt; see DemandCase.qualification_branch).

    ``existing_supply_chain_can_serve``: null / omitted = not assessed. ``customisation_needed``: the
    reviewer's answer, only when the applicant answered "Not sure" (``context["case"]``); sent for any
    other case it is a 400, because the intake's answer decides.
    """

    decision = serializers.ChoiceField(choices=QualificationDecision.choices)
    comment = serializers.CharField(max_length=4000)
    eligible_applicant_type = serializers.BooleanField()
    eligible_need = serializers.BooleanField()
    existing_supply_chain_can_serve = serializers.BooleanField(allow_null=True, required=False, default=None)
    customisation_needed = serializers.BooleanField(allow_null=True, required=False, default=None)

    def validate_customisation_needed(self, value: bool | None) -> bool | None:
        case = self.context.get("case")
        if value is not None and case is not None and not case.customisation_is_asked():
            raise serializers.ValidationError(
                _("Only asked when the applicant was not sure: the applicant's answer at intake decides.")
            )
        return value
