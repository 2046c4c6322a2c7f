"""API shapes of rate cards, statements, agreements and sales reports (money: integer NTD; hours, shares and
rates: decimal strings). Input serializers validate shape with translated errors; rules stay in the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from billing.models import (
    Equipment,
    MaintenanceFee,
    MaintenanceUsage,
    NreCostItem,
    NreLabourLine,
    NreStatement,
    RateCard,
    RateCardRate,
    RoyaltyAgreement,
    RoyaltyLine,
    RoyaltyParty,
    RoyaltyStatement,
    SalesReport,
    SupplierNreAgreement,
)
from billing.statement_enums import CostKind, RoyaltyBasis
from suppliers.enums import WorkRole


class RateSerializer(serializers.ModelSerializer):
    class Meta:
        model = RateCardRate
        fields = ["role", "hourly_rate"]


class RateCardSerializer(serializers.ModelSerializer):
    rates = RateSerializer(many=True, read_only=True)

    class Meta:
        model = RateCard
        fields = ["id", "version", "valid_from", "valid_to", "state", "note", "rates", "created_at"]


class LabourLineSerializer(serializers.ModelSerializer):
    rate_card_version = serializers.IntegerField(source="rate_card.version", read_only=True)

    class Meta:
        model = NreLabourLine
        fields = [
            "report_id",
            "report_label",
            "report_start",
            "report_end",
            "role",
            "hours",
            "rate",
            "rate_card",
            "rate_card_version",
            "amount",
        ]


class CostItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = NreCostItem
        fields = ["kind", "description", "amount"]


class SupplierNreSerializer(serializers.ModelSerializer):
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)

    class Meta:
        model = SupplierNreAgreement
        fields = ["id", "supplier", "supplier_name", "description", "amount", "document_reference", "state"]


class NreStatementSerializer(serializers.ModelSerializer):
    """The statement with its whole trail: labour lines (hours × rate = amount, the rate-card version), Σ, the
    tier discount, the 50% ceiling and whether it binds, at-cost items, supplier NRE, subtotal."""

    labour_lines = LabourLineSerializer(many=True, read_only=True)
    costs = CostItemSerializer(many=True, read_only=True)
    supplier_items = SupplierNreSerializer(many=True, read_only=True)
    case_reference = serializers.CharField(source="case.reference", read_only=True)

    class Meta:
        model = NreStatement
        fields = [
            "id",
            "case",
            "case_reference",
            "period_start",
            "period_end",
            "state",
            "share_percent",
            "labour_lines",
            "labour_gross",
            "labour_discounted",
            "labour_cap",
            "cap_binding",
            "labour_due",
            "costs",
            "costs_total",
            "supplier_items",
            "supplier_total",
            "subtotal",
            "created_at",
        ]


class NreStatementListSerializer(serializers.ModelSerializer):
    case_reference = serializers.CharField(source="case.reference", read_only=True)

    class Meta:
        model = NreStatement
        fields = [
            "id",
            "case",
            "case_reference",
            "period_start",
            "period_end",
            "state",
            "labour_due",
            "cap_binding",
            "subtotal",
            "created_at",
        ]


class NreBuildSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1)
    period_start = serializers.DateField()
    period_end = serializers.DateField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["period_end"] < attrs["period_start"]:
            raise serializers.ValidationError({"period_end": [_("The period ends before it starts.")]})
        return attrs


class CostItemInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CostKind.choices)
    description = serializers.CharField(max_length=200)
    amount = serializers.IntegerField(min_value=0, error_messages={"min_value": _("This cannot be negative.")})


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = RoyaltyParty
        fields = ["organization", "label", "share", "position"]


class RoyaltyAgreementSerializer(serializers.ModelSerializer):
    parties = PartySerializer(many=True, read_only=True)

    class Meta:
        model = RoyaltyAgreement
        fields = [
            "id",
            "case",
            "version",
            "basis",
            "rate_percent",
            "amount_per_unit",
            "state",
            "signed_at",
            "parties",
            "created_at",
        ]


class PartyInputSerializer(serializers.Serializer):
    organization = serializers.IntegerField(min_value=1, allow_null=True, required=False, default=None)
    label = serializers.CharField(max_length=200)
    share = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal("0.01"))


class AgreementInputSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1)
    basis = serializers.ChoiceField(choices=RoyaltyBasis.choices)
    rate_percent = serializers.DecimalField(
        max_digits=6, decimal_places=3, required=False, allow_null=True, min_value=Decimal(0), max_value=Decimal(100)
    )
    amount_per_unit = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=Decimal(0)
    )
    parties = PartyInputSerializer(many=True)

    def validate_parties(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        total = sum((p["share"] for p in value), Decimal(0))
        if not value or total != 100:
            raise serializers.ValidationError(
                _("The contribution shares must sum to exactly 100%% (they sum to %(sum)s%%).") % {"sum": total}
            )
        return value


class SalesReportSerializer(serializers.ModelSerializer):
    statement = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = SalesReport
        fields = ["id", "agreement", "period_start", "period_end", "net_sales", "units", "statement", "created_at"]


class SalesReportInputSerializer(serializers.Serializer):
    agreement = serializers.IntegerField(min_value=1)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    net_sales = serializers.IntegerField(min_value=0, error_messages={"min_value": _("Net sales cannot be negative.")})
    units = serializers.IntegerField(
        min_value=0, default=0, error_messages={"min_value": _("Units cannot be negative.")}
    )


class RoyaltyLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = RoyaltyLine
        fields = ["id", "statement", "organization", "label", "share", "amount", "rounded_up", "created_at"]


class RoyaltyStatementSerializer(serializers.ModelSerializer):
    lines = RoyaltyLineSerializer(many=True, read_only=True)

    class Meta:
        model = RoyaltyStatement
        fields = ["id", "sales_report", "agreement", "state", "inputs", "due", "lines", "created_at"]


class UsageSerializer(serializers.ModelSerializer):
    class Meta:
        model = MaintenanceUsage
        fields = ["kind", "label", "equipment", "role", "rate_card", "hours", "rate", "amount"]


class MaintenanceFeeSerializer(serializers.ModelSerializer):
    usage = UsageSerializer(many=True, read_only=True)

    class Meta:
        model = MaintenanceFee
        fields = [
            "id",
            "case",
            "period_start",
            "period_end",
            "state",
            "usage",
            "equipment_total",
            "labour_total",
            "total",
            "created_at",
        ]


class EquipmentSerializer(serializers.ModelSerializer):
    hourly_rate = serializers.IntegerField(min_value=0, error_messages={"min_value": _("This cannot be negative.")})

    class Meta:
        model = Equipment
        fields = ["id", "name", "hourly_rate", "active"]
        read_only_fields = ["active"]


class UsageInputSerializer(serializers.Serializer):
    equipment = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    role = serializers.ChoiceField(choices=WorkRole.choices, required=False, allow_blank=True, default="")
    hours = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=Decimal(0),
        error_messages={"min_value": _("Hours cannot be negative.")},
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("equipment")) == bool(attrs.get("role")):
            raise serializers.ValidationError(_("Give either a piece of equipment or a work-group role."))
        return attrs


class MaintenanceInputSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    usage = UsageInputSerializer(many=True, allow_empty=False)


class SupplierNreInputSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1)
    supplier = serializers.IntegerField(min_value=1)
    description = serializers.CharField(max_length=200)
    amount = serializers.IntegerField(min_value=0, error_messages={"min_value": _("This cannot be negative.")})
    document_reference = serializers.CharField(max_length=200)
