"""HTML input of rate cards, NRE statements, royalty agreements and sales reports, with translated errors.

Shape and value checks only (business rules stay in the models' conditions and billing.services): periods that
end before they start, negative sales or amounts, contribution shares that do not sum to exactly 100% (seed
000_9617a3b789ca4d20.txt, 權利金 by 貢獻比重).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.statement_enums import CostKind, RoyaltyBasis
from cases.models import DemandCase
from platform_site.enums import Role
from platform_site.models import Membership, Organization
from suppliers.enums import WorkRole

NEGATIVE = {"min_value": _("This cannot be negative.")}
DATE = forms.DateInput(attrs={"type": "date"})
MAX_SUPPLIER_PARTIES = 4


class PeriodForm(forms.Form):
    period_start = forms.DateField(label=_("Period start"), widget=DATE)
    period_end = forms.DateField(label=_("Period end"), widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


class NreBuildForm(PeriodForm):
    """Finance builds a case's NRE statement for a period from its acknowledged progress reports."""

    case = forms.ModelChoiceField(label=_("Case"), queryset=DemandCase.objects.none())
    field_order = ["case", "period_start", "period_end"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = DemandCase.objects.order_by("-created_at").only(
            "id", "reference", "title", "state"
        )
        self.fields["case"].label_from_instance = lambda c: f"{c.reference} {c.title}"


class CostItemForm(forms.Form):
    """An at-cost item (never discounted)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=CostKind.choices)
    description = forms.CharField(label=_("Description"), max_length=200)
    amount = forms.IntegerField(label=_("Amount (NTD)"), min_value=0, error_messages=NEGATIVE)


class SalesReportForm(PeriodForm):
    """The applicant's sales for a period (net sales NTD, units)."""

    net_sales = forms.IntegerField(
        label=_("Net sales (NTD)"), min_value=0, error_messages={"min_value": _("Net sales cannot be negative.")}
    )
    units = forms.IntegerField(
        label=_("Units sold"), min_value=0, initial=0, error_messages={"min_value": _("Units cannot be negative.")}
    )


class RateCardForm(forms.Form):
    """A new rate-card version: its start date and an hourly rate (NTD, whole) per work-group role."""

    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for role in WorkRole:
            self.fields[f"rate_{role.value}"] = forms.IntegerField(
                label=role.label, min_value=0, error_messages=NEGATIVE
            )

    def rates(self) -> dict[str, int]:
        return {role.value: self.cleaned_data[f"rate_{role.value}"] for role in WorkRole}


class RoyaltyAgreementForm(forms.Form):
    """A royalty agreement version: the base and the parties' shares (the platform, then up to four suppliers)."""

    case = forms.ModelChoiceField(label=_("Case"), queryset=DemandCase.objects.none())
    basis = forms.ChoiceField(label=_("Royalty base"), choices=RoyaltyBasis.choices)
    rate_percent = forms.DecimalField(
        # xgettext:no-python-format
        label=_("Rate (% of net sales)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=3,
    )
    amount_per_unit = forms.DecimalField(
        label=_("Amount per unit (NTD)"), required=False, min_value=0, decimal_places=2, error_messages=NEGATIVE
    )
    platform_share = forms.DecimalField(label=_("Platform's share (%)"), min_value=0, decimal_places=2)

    def __init__(self, *args: Any, tenant: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = DemandCase.objects.order_by("-created_at").only(
            "id", "reference", "title", "state"
        )
        self.fields["case"].label_from_instance = lambda c: f"{c.reference} {c.title}"
        supplier_ids = Membership.objects.filter(tenant=tenant, role=Role.SUPPLIER, organization__isnull=False)
        suppliers = Organization.objects.filter(tenant=tenant, pk__in=supplier_ids.values("organization_id")).order_by(
            "name"
        )
        for i in range(1, MAX_SUPPLIER_PARTIES + 1):
            self.fields[f"supplier_{i}"] = forms.ModelChoiceField(
                label=_("Supplier %(n)s") % {"n": i}, queryset=suppliers, required=False
            )
            self.fields[f"share_{i}"] = forms.DecimalField(
                label=_("Supplier %(n)s's share (%%)") % {"n": i}, required=False, min_value=0, decimal_places=2
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        basis = data.get("basis")
        if basis == RoyaltyBasis.PERCENT_OF_NET_SALES and data.get("rate_percent") is None:
            self.add_error("rate_percent", _("Give the rate of the royalty base."))
        if basis == RoyaltyBasis.PER_UNIT and data.get("amount_per_unit") is None:
            self.add_error("amount_per_unit", _("Give the rate of the royalty base."))
        shares = [data.get("platform_share") or Decimal(0)]
        for i in range(1, MAX_SUPPLIER_PARTIES + 1):
            org, share = data.get(f"supplier_{i}"), data.get(f"share_{i}")
            if (org is None) != (share is None):
                self.add_error(f"share_{i}", _("Give both the supplier and its share, or neither."))
            elif org is not None:
                shares.append(share)
        total = sum(shares, Decimal(0))
        if total != 100:
            raise forms.ValidationError(
                _("The contribution shares must sum to exactly 100%% (they sum to %(sum)s%%).") % {"sum": total},
                code="shares",
            )
        return data

    def parties(self) -> list[dict[str, Any]]:
        """``[{"organization", "label", "share"}]`` in agreement order, the platform first."""
        data = self.cleaned_data
        rows = [{"organization": None, "label": str(_("Platform")), "share": data["platform_share"]}]
        for i in range(1, MAX_SUPPLIER_PARTIES + 1):
            if data.get(f"supplier_{i}") is not None:
                org = data[f"supplier_{i}"]
                rows.append({"organization": org, "label": org.name, "share": data[f"share_{i}"]})
        return rows
