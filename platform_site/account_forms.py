"""Forms of the account pages: profile, invitation, joining by invitation, password reset (validation only)."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from platform_site.forms import BootstrapFormMixin, consent_field
from platform_site.profiles import EMAIL_IN_USE


def language_choices() -> list[tuple[str, str]]:
    return [(code, name) for code, name in settings.LANGUAGES]


class PasswordPairMixin(forms.Form):
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def check_passwords(self, data: dict[str, Any], email: str) -> None:
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password1"):
            user = get_user_model()(username=email, email=email, first_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(data["password1"], user)
            except ValidationError as exc:
                self.add_error("password1", exc)


class ProfileForm(BootstrapFormMixin, forms.Form):
    """Name, login email and preferred language; changing the email needs the current password."""

    full_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Email (your login)"))
    language = forms.ChoiceField(label=_("Preferred language"), choices=language_choices)
    current_password = forms.CharField(
        label=_("Current password"),
        widget=forms.PasswordInput,
        strip=False,
        required=False,
        help_text=_("Needed only to change your email."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(username__iexact=email).exclude(pk=self.user.pk).exists():
            raise ValidationError(EMAIL_IN_USE)
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        email = data.get("email")
        if email and email != self.user.username.lower() and not self.user.check_password(data["current_password"]):
            self.add_error("current_password", _("Enter your current password to change your email."))
        return data


class InviteForm(BootstrapFormMixin, forms.Form):
    email = forms.EmailField(label=_("Colleague's email"))


class JoinForm(BootstrapFormMixin, PasswordPairMixin, forms.Form):
    """A new account for an invited colleague (the email is the invitation's)."""

    full_name = forms.CharField(label=_("Your name"), max_length=150)
    consent = consent_field()
    field_order = ["full_name", "password1", "password2", "consent"]

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_passwords(data, self.email)
        return data


def _throttle_hit(key: str, limit: int, window_s: int) -> bool:
    """Count one event under ``key`` (cache); True when that makes more than ``limit`` in the window."""
    cache.add(key, 0, timeout=window_s)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_s)
        count = 1
    return count > limit


def reset_throttled(email: str, ip: str | None) -> str:
    """Count a reset request; ``"ip"`` / ``"email"`` when that source is over its hourly limit, else ``""``.

    Limits: ``PORTAL_PASSWORD_RESET_PER_IP`` (20) per client IP, ``PORTAL_PASSWORD_RESET_PER_EMAIL`` (3) per
    address, per hour, counted in Django's default cache (per process unless a shared cache is configured).
    """
    window = 3600
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    if ip and _throttle_hit(f"pwreset:ip:{ip}", settings.PORTAL_PASSWORD_RESET_PER_IP, window):
        return "ip"
    if _throttle_hit(f"pwreset:email:{digest}", settings.PORTAL_PASSWORD_RESET_PER_EMAIL, window):
        return "email"
    return ""


class PortalPasswordResetForm(BootstrapFormMixin, PasswordResetForm):
    """Django's reset form; the mail is bilingual (zh-Hant, then English) and its link is built on
    ``settings.PORTAL_BASE_URL``, never on the request's Host header (host-header poisoning)."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        context = {
            **context,
            "base_url": settings.PORTAL_BASE_URL.rstrip("/"),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        }
        parts = []
        for language in ("zh-hant", "en"):
            with translation.override(language):
                subject = render_to_string(subject_template_name, context).strip()
                parts.append((" ".join(subject.splitlines()), render_to_string(email_template_name, context)))
        subject = " / ".join(p[0] for p in parts)
        body = "\n\n----------------------------------------\n\n".join(p[1] for p in parts)
        EmailMultiAlternatives(subject, body, from_email, [to_email]).send()


class PortalSetPasswordForm(BootstrapFormMixin, SetPasswordForm):
    """Django's new-password form (reset link), with the portal's input styling."""
