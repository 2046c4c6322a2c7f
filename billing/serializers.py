"""API representations of invoices, their lines and payments, number ranges (integer NTD, ISO dates)."""

from __future__ import annotations

from rest_framework import serializers

from billing.forms import BILLABLE_CHOICES
from billing.models import Invoice, InvoiceLine, InvoiceNumberRange, Payment


class InvoiceLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = ["id", "position", "service", "description", "quantity", "unit", "unit_price", "amount", "taxable"]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "amount", "paid_on", "reference", "recorded_at"]
        read_only_fields = ["id", "recorded_at"]


class InvoiceSerializer(serializers.ModelSerializer):
    """An invoice; number, dates, totals and state change only through issue / payments / void."""

    lines = InvoiceLineSerializer(many=True, read_only=True)
    case = serializers.CharField(source="case.reference", read_only=True, default=None)
    buyer_organization = serializers.PrimaryKeyRelatedField(read_only=True)
    pdf_available = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "series",
            "document_type",
            "state",
            "buyer_organization",
            "buyer_name",
            "buyer_ubn",
            "invoice_address",
            "case",
            "issued_on",
            "due_on",
            "sales_amount",
            "taxable_amount",
            "tax_amount",
            "total_amount",
            "paid_amount",
            "paid_on",
            "void_reason",
            "replaces",
            "pdf_sha256",
            "pdf_available",
            "lines",
            "created_at",
        ]
        read_only_fields = [f for f in fields if f not in ("buyer_name", "buyer_ubn", "invoice_address")]

    def get_pdf_available(self, invoice: Invoice) -> bool:
        return bool(invoice.pdf_sha256)


class LineInputSerializer(serializers.Serializer):
    service = serializers.ChoiceField(choices=BILLABLE_CHOICES)
    description = serializers.CharField(max_length=200)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    unit = serializers.CharField(max_length=20, allow_blank=True, default="")
    unit_price = serializers.IntegerField(min_value=0)
    amount = serializers.IntegerField(required=False, help_text="NTD; default quantity × unit_price, half up")
    taxable = serializers.BooleanField(default=True)


class InvoiceCreateSerializer(serializers.Serializer):
    """A manual draft: the buyer organisation (id) or name, optional 統一編號 / address, and its lines."""

    buyer_organization = serializers.IntegerField(required=False, allow_null=True)
    buyer_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    buyer_ubn = serializers.CharField(max_length=8, required=False, allow_blank=True, allow_null=True, default=None)
    invoice_address = serializers.CharField(
        max_length=300, required=False, allow_blank=True, allow_null=True, default=None
    )
    lines = LineInputSerializer(many=True)


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    reissue = serializers.BooleanField(default=True)


class RangeSerializer(serializers.ModelSerializer):
    first = serializers.CharField(write_only=True, max_length=10)
    last = serializers.CharField(write_only=True, max_length=10)
    label = serializers.CharField(source="__str__", read_only=True)
    remaining = serializers.IntegerField(read_only=True)

    class Meta:
        model = InvoiceNumberRange
        fields = ["id", "year", "period", "track", "start_number", "end_number", "next_number", "label", "remaining"]
        fields += ["first", "last"]
        read_only_fields = ["id", "track", "start_number", "end_number", "next_number"]
