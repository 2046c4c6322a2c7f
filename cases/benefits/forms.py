"""The HTML form of a KPI measurement. Numbers are taken as text and checked by
:func:`cases.benefits.services.clean_measurement` (one set of rules and messages for the page and the API)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.benefits.enums import KpiKind

SERVICE_FIELDS = (
    "kind",
    "period_start",
    "period_end",
    "is_baseline",
    "availability",
    "performance",
    "quality",
    "total_profit_ntd",
    "invested_cost_ntd",
    "amount",
    "evidence_reference",
    "note",
)


class MeasurementForm(forms.Form):
    """Kind, period, baseline flag; the OEE factors, or the ROI's profit and cost, or the amount; evidence."""

    kind = forms.ChoiceField(label=_("KPI"), choices=KpiKind.choices)
    period_start = forms.DateField(label=_("Period start"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Period end"), widget=forms.DateInput(attrs={"type": "date"}))
    is_baseline = forms.BooleanField(label=_("Baseline (before the project or at kickoff)"), required=False)
    availability = forms.CharField(label=_("OEE: availability (0–1)"), required=False, max_length=20)
    performance = forms.CharField(label=_("OEE: performance (0–1)"), required=False, max_length=20)
    quality = forms.CharField(label=_("OEE: quality (0–1)"), required=False, max_length=20)
    total_profit_ntd = forms.CharField(
        label=_("ROI: total profit over the period (NTD)"), required=False, max_length=20
    )
    invested_cost_ntd = forms.CharField(label=_("ROI: invested cost (NTD)"), required=False, max_length=20)
    amount = forms.CharField(
        label=_("Value (NTD for revenue and investment induced, a count for jobs and products)"),
        required=False,
        max_length=20,
    )
    evidence = forms.FileField(label=_("Evidence file"), required=False)
    evidence_reference = forms.CharField(label=_("Evidence reference"), required=False, max_length=300)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def add_service_errors(self, errors: dict[str, list]) -> None:
        """Attach the service's ``{field: [message]}`` errors to the form (``__all__`` as non-field errors)."""
        for name, messages in errors.items():
            field = name if name in self.fields else None
            for message in messages:
                self.add_error(field, message)
