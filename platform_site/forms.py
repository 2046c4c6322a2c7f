"""Registration of an applicant organisation and its first account (validation only; services.py writes)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from platform_site import services
from platform_site.consent import CONSENT_LABEL
from platform_site.enums import CompanySize, OrganizationKind
from platform_site.models import Tenant
from platform_site.validators import validate_ubn


class BootstrapFormMixin:
    """Adds Bootstrap 5 classes to text inputs, selects and textareas."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
                widget.attrs["class"] = "form-check-input"
                continue
            widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"


def consent_field() -> forms.BooleanField:
    """The required 個資 consent checkbox (the template shows the notice, platform_site.consent)."""
    return forms.BooleanField(
        label=CONSENT_LABEL, required=True, error_messages={"required": services.CONSENT_REQUIRED}
    )


class ApplicantRegistrationForm(BootstrapFormMixin, forms.Form):
    """Organisation (with 統一編號 for companies) + the person registering it."""

    org_name = forms.CharField(label=_("Organisation name"), max_length=200)
    org_kind = forms.ChoiceField(
        label=_("Organisation type"), choices=OrganizationKind.choices, initial=OrganizationKind.COMPANY
    )
    ubn = forms.CharField(
        label=_("Unified business number (統一編號)"),
        max_length=8,
        required=False,
        validators=[validate_ubn],
        help_text=_("8 digits; required for companies"),
    )
    size = forms.ChoiceField(label=_("Company type"), choices=CompanySize.choices, initial=CompanySize.SME)
    is_domestic = forms.BooleanField(label=_("Registered in Taiwan"), required=False, initial=True)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Email (your login)"))
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)
    consent = consent_field()

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant

    def clean_ubn(self) -> str:
        ubn = self.cleaned_data["ubn"].strip()
        if services.ubn_taken(self.tenant, ubn):
            raise ValidationError(services.UBN_TAKEN)
        return ubn

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if services.email_taken(email):
            raise ValidationError(services.EMAIL_TAKEN)
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("org_kind") == OrganizationKind.COMPANY and not data.get("ubn") and "ubn" not in self.errors:
            self.add_error("ubn", _("Companies must give their unified business number."))
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password1"):
            user = get_user_model()(username=data.get("email", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(data["password1"], user)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned data as keyword arguments of :func:`platform_site.services.register_applicant`."""
        data = self.cleaned_data
        return {
            "org_name": data["org_name"],
            "org_kind": data["org_kind"],
            "ubn": data["ubn"],
            "size": data["size"],
            "is_domestic": data["is_domestic"],
            "address": data["address"],
            "phone": data["phone"],
            "full_name": data["full_name"],
            "email": data["email"],
            "password": data["password1"],
            "consent": data["consent"],
        }
