"""API shapes of service delivery. Hours appear only in :class:`ReportInternalSerializer` (office staff and the
group's case manager); the applicant gets :class:`ReportSerializer`, which has no hours field at all."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from cases.delivery.forms import NEGATIVE_HOURS
from cases.delivery.models import Assignment, Milestone, ProgressReport, WorkGroup
from cases.delivery.services.reports import MAX_HOURS
from suppliers.enums import WorkRole


class WorkGroupSerializer(serializers.ModelSerializer):
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    required_roles = serializers.SerializerMethodField()

    class Meta:
        model = WorkGroup
        fields = [
            "id",
            "case",
            "case_reference",
            "state",
            "lead",
            "required_roles",
            "formed_at",
            "kickoff_on",
            "outcome",
            "closed_at",
            "mass_production",
            "mass_production_on",
        ]
        read_only_fields = fields

    def get_required_roles(self, obj: WorkGroup) -> list[str]:
        return obj.required_roles()


class AssignmentSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.organization.name", read_only=True)
    case = serializers.IntegerField(source="work_group.case_id", read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "work_group",
            "case",
            "role",
            "partner",
            "partner_name",
            "scope",
            "planned_start",
            "planned_end",
            "deliverables",
            "state",
            "decline_reason",
            "responded_at",
        ]
        read_only_fields = ["id", "case", "partner_name", "state", "decline_reason", "responded_at"]


class AssignmentCreateSerializer(serializers.Serializer):
    work_group = serializers.IntegerField()
    role = serializers.ChoiceField(choices=WorkRole.choices)
    partner = serializers.IntegerField()
    scope = serializers.CharField()
    planned_start = serializers.DateField()
    planned_end = serializers.DateField()
    deliverables = serializers.CharField()


class AssignmentReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReportCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class MilestoneSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="project.case_id", read_only=True)

    class Meta:
        model = Milestone
        fields = ["id", "project", "case", "title", "planned_on", "actual_on", "state"]
        read_only_fields = ["id", "case", "actual_on", "state"]


class MilestoneActionSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text="Actual date (complete only); default today, Asia/Taipei.")


class ProgressItemSerializer(serializers.Serializer):
    milestone = serializers.IntegerField()
    percent = serializers.IntegerField(min_value=0, max_value=100)


class ReportSerializer(serializers.ModelSerializer):
    """A progress report as the applicant sees it: no hours."""

    case = serializers.IntegerField(source="work_group.case_id", read_only=True)
    label = serializers.CharField(read_only=True)
    overdue = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "work_group",
            "case",
            "number",
            "label",
            "period_start",
            "period_end",
            "due_on",
            "state",
            "overdue",
            "work_done",
            "issues_risks",
            "next_steps",
            "progress",
            "submitted_at",
            "acknowledged_at",
        ]
        read_only_fields = fields

    def get_overdue(self, obj: ProgressReport) -> bool:
        return obj.is_overdue()

    def get_progress(self, obj: ProgressReport) -> list[dict[str, int]]:
        return [{"milestone": p.milestone_id, "percent": p.percent} for p in obj.milestone_progress.all()]


class HoursSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=WorkRole.choices)
    hours = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=MAX_HOURS,
        error_messages={"min_value": NEGATIVE_HOURS},
    )


class ReportInternalSerializer(ReportSerializer):
    """Office staff and the case manager: with the platform team's hours per role and the office comments."""

    hours = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "hours", "office_comments"]
        read_only_fields = fields

    def get_hours(self, obj: ProgressReport) -> list[dict[str, Any]]:
        order = {role: i for i, role in enumerate(WorkRole.values)}
        rows = sorted(obj.hours.all(), key=lambda r: order.get(r.role, 99))
        return [{"role": r.role, "hours": str(r.hours)} for r in rows]


class ReportUpdateSerializer(serializers.Serializer):
    work_done = serializers.CharField(required=False, allow_blank=True, default="")
    issues_risks = serializers.CharField(required=False, allow_blank=True, default="")
    next_steps = serializers.CharField(required=False, allow_blank=True, default="")
    hours = HoursSerializer(many=True, required=False, default=list)
    progress = ProgressItemSerializer(many=True, required=False, default=list)
