"""HTML input of billing invoices and its translated errors (services write)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.enums import FREE_SERVICES, BillableService
from billing.lines import LineSpec
from platform_site.forms import BootstrapFormMixin
from platform_site.models import Organization
from platform_site.validators import validate_ubn

#: Services a line can be for (the free ones are refused anyway; they are not offered).
BILLABLE_CHOICES = [(code, label) for code, label in BillableService.choices if code not in FREE_SERVICES]


class HeaderForm(BootstrapFormMixin, forms.Form):
    """The buyer fields of a draft."""

    buyer_name = forms.CharField(label=_("Buyer"), max_length=200)
    buyer_ubn = forms.CharField(
        label=_("Unified business number (統一編號)"), max_length=8, required=False, validators=[validate_ubn]
    )
    invoice_address = forms.CharField(label=_("Invoice address"), max_length=300, required=False)


class LineForm(BootstrapFormMixin, forms.Form):
    """One line: amount = quantity × unit price, half up to whole NTD."""

    service = forms.ChoiceField(label=_("Service"), choices=BILLABLE_CHOICES)
    description = forms.CharField(label=_("Description"), max_length=200)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0, max_digits=12, decimal_places=2, initial=1)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False, initial="式")
    unit_price = forms.IntegerField(label=_("Unit price (NTD)"), min_value=0, max_value=10**12)
    taxable = forms.BooleanField(label=_("Taxable (5% business tax)"), required=False, initial=True)

    def spec(self) -> LineSpec:
        data = self.cleaned_data
        amount = int((data["quantity"] * Decimal(data["unit_price"])).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
        return LineSpec(
            data["service"],
            data["description"],
            data["quantity"],
            data["unit"],
            data["unit_price"],
            amount,
            data["taxable"],
            "manual",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:
            try:
                self.spec()
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages) from exc
        return data


class DraftForm(HeaderForm):
    """A manual draft: the buyer (an organisation of the tenant, or typed in) and its first line."""

    buyer_organization = forms.ModelChoiceField(
        label=_("Buyer organisation"), queryset=Organization.objects.none(), required=False
    )
    buyer_name = forms.CharField(label=_("Buyer (empty: the organisation's name)"), max_length=200, required=False)

    field_order = ["buyer_organization", "buyer_name", "buyer_ubn", "invoice_address"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["buyer_organization"].queryset = Organization.objects.order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("buyer_organization") and not (data.get("buyer_name") or "").strip():
            raise forms.ValidationError(_("Choose the buyer organisation or enter the buyer's name."))
        return data


class PaymentForm(BootstrapFormMixin, forms.Form):
    amount = forms.IntegerField(label=_("Amount (NTD)"), min_value=1, max_value=10**12)
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate

    def clean_paid_on(self) -> date:
        value = self.cleaned_data["paid_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("A payment cannot be dated in the future."))
        return value


class VoidForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for voiding"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    reissue = forms.BooleanField(label=_("Draft a corrected invoice"), required=False, initial=True)


class RangeForm(BootstrapFormMixin, forms.Form):
    """An allotted 字軌 range for a two-month period."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2999)
    period = forms.TypedChoiceField(
        label=_("Two-month period"),
        coerce=int,
        choices=[(p, f"{2 * p - 1:02d}/{2 * p:02d}") for p in range(1, 7)],
    )
    first = forms.CharField(label=_("First number"), max_length=10, help_text=_("e.g. AB12345678"))
    last = forms.CharField(label=_("Last number"), max_length=10, help_text=_("e.g. AB12345727"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["period"].initial = (today.month + 1) // 2


class ExportForm(BootstrapFormMixin, forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end of the period cannot come before its start."))
        return data
