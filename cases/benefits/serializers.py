"""API input and output of KPI measurements (numbers as strings in and out: Decimals stay exact)."""

from __future__ import annotations

from rest_framework import serializers

from cases.benefits.enums import KpiKind
from cases.benefits.models import KpiMeasurement


class MeasurementSerializer(serializers.ModelSerializer):
    """A measurement: ``value`` (decimal string: OEE fraction, ROI ratio, NTD or a count), ``unit``, the OEE
    factors or ROI inputs when of that kind, ``evidence_name`` / ``evidence_reference``, ``recorded_by``."""

    value = serializers.DecimalField(max_digits=28, decimal_places=12, coerce_to_string=True, read_only=True)
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = KpiMeasurement
        fields = [
            "id",
            "case",
            "kind",
            "period_start",
            "period_end",
            "is_baseline",
            "value",
            "unit",
            "availability",
            "performance",
            "quality",
            "total_profit_ntd",
            "invested_cost_ntd",
            "evidence_name",
            "evidence_reference",
            "note",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_recorded_by(self, obj: KpiMeasurement) -> str:
        user = obj.recorded_by
        return user.get_full_name() or user.get_username()


class MeasurementInputSerializer(serializers.Serializer):
    """What a client sends to record a measurement (multipart for an evidence file, else JSON). The numbers
    are strings (or JSON numbers) checked by :func:`cases.benefits.services.clean_measurement`: OEE factors in
    [0, 1], ROI cost > 0, amounts whole and not negative — a 400 ``{field: [message]}`` otherwise."""

    case = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=KpiKind.choices)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    is_baseline = serializers.BooleanField(required=False, default=False)
    availability = serializers.CharField(required=False, allow_blank=True, max_length=20)
    performance = serializers.CharField(required=False, allow_blank=True, max_length=20)
    quality = serializers.CharField(required=False, allow_blank=True, max_length=20)
    total_profit_ntd = serializers.CharField(required=False, allow_blank=True, max_length=20)
    invested_cost_ntd = serializers.CharField(required=False, allow_blank=True, max_length=20)
    amount = serializers.CharField(required=False, allow_blank=True, max_length=20)
    evidence = serializers.FileField(required=False)
    evidence_reference = serializers.CharField(required=False, allow_blank=True, max_length=300)
    note = serializers.CharField(required=False, allow_blank=True)


class DashboardTableSerializer(serializers.Serializer):
    """One dashboard table: ``key``, ``title``, ``columns``, ``rows`` (cells: integers as JSON numbers, decimals
    as strings, dates ISO ``YYYY-MM-DD``, text, null), ``danger_rows`` (indexes of rows shown red)."""

    key = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()))
    danger_rows = serializers.ListField(child=serializers.IntegerField())
