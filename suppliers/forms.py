"""HTML input of the suppliers app and its translated errors (services.py writes)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.enums import Industry
from platform_site.forms import BootstrapFormMixin
from suppliers.enums import Certification, Domain, IPKind, WorkRole
from suppliers.models import PROFILE_FIELDS, BackgroundIP, ReferenceDesign, SupplierProfile

CHECKBOXES = forms.CheckboxSelectMultiple


class ProfileForm(BootstrapFormMixin, forms.ModelForm):
    """The capability profile (roles ①–⑧, domains, certifications as checkboxes)."""

    roles = forms.MultipleChoiceField(
        label=_("Work-group roles"), choices=WorkRole.choices, widget=CHECKBOXES, required=False
    )
    domains = forms.MultipleChoiceField(label=_("Domains"), choices=Domain.choices, widget=CHECKBOXES, required=False)
    certifications = forms.MultipleChoiceField(
        label=_("Certifications"), choices=Certification.choices, widget=CHECKBOXES, required=False
    )

    class Meta:
        model = SupplierProfile
        fields = PROFILE_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("summary", "technologies", "specifications", "reference_prices", "partner_firms")
        }


class ObligationsForm(BootstrapFormMixin, forms.Form):
    accept = forms.BooleanField(
        label=_("I accept these obligations for my organisation."),
        error_messages={"required": _("Tick the box to accept the obligations.")},
    )


class BackgroundIPForm(BootstrapFormMixin, forms.ModelForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=IPKind.choices)

    class Meta:
        model = BackgroundIP
        fields = ("title", "kind", "owner", "verified")


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class DirectoryFilterForm(BootstrapFormMixin, forms.Form):
    """The directory's GET filters; invalid values are dropped (the list is shown unfiltered), never an error."""

    q = forms.CharField(label=_("Keyword"), required=False, max_length=60)
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("Any role")), *WorkRole.choices], required=False)
    domain = forms.ChoiceField(label=_("Domain"), choices=[("", _("Any domain")), *Domain.choices], required=False)
    certification = forms.ChoiceField(
        label=_("Certification"), choices=[("", _("Any certification")), *Certification.choices], required=False
    )

    def filters(self) -> dict[str, str]:
        """The valid filters as keyword arguments of :func:`suppliers.queries.directory`."""
        if self.is_valid():
            return {k: self.cleaned_data[k] or "" for k in ("q", "role", "domain", "certification")}
        valid = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return {k: valid.get(k) or "" for k in ("q", "role", "domain", "certification")}


class DesignForm(BootstrapFormMixin, forms.ModelForm):
    industries = forms.MultipleChoiceField(
        label=_("Applicable industries"), choices=Industry.choices, widget=CHECKBOXES, required=False
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles covered"), choices=WorkRole.choices, widget=CHECKBOXES, required=False
    )

    class Meta:
        model = ReferenceDesign
        fields = ("title", "description", "industries", "roles", "documents", "indicative_price_ntd")
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "documents": forms.Textarea(attrs={"rows": 2})}


class ReferForm(forms.Form):
    profile = forms.IntegerField(min_value=1)
    role = forms.ChoiceField(choices=WorkRole.choices)
    rank = forms.IntegerField(min_value=1, required=False)
    note = forms.CharField(required=False, max_length=2000)


class GiveDesignForm(BootstrapFormMixin, forms.Form):
    design = forms.ModelChoiceField(label=_("Reference design"), queryset=ReferenceDesign.objects.none())
    note = forms.CharField(
        label=_("Note for the applicant"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, designs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["design"].queryset = designs


class AnswerForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", _("Decline")), ("withdraw", _("Withdraw"))]
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
