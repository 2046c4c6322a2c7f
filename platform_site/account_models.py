"""Account-level rows: the user's profile (preferred language), 個資 consent records, member invitations.

Registered with Django through :mod:`platform_site.models` (imported at its end). ``Profile`` and
``ConsentRecord`` are platform-level (a person, across tenants); ``Invitation`` is tenant-owned (an
organisation of one tenant invites a colleague), under row-level security like every tenant table.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from platform_site.tenancy import TenantOwnedModel


class Profile(models.Model):
    """Per-user preferences: ``language`` is a code of ``settings.LANGUAGES`` (``"zh-hant"`` / ``"en"``) or
    ``""`` (no preference: the browser / language menu decides). Applied at every login
    (:mod:`platform_site.profiles`) and when saved on the profile page."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_profile")
    language = models.CharField(_("preferred language"), max_length=16, blank=True, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("profile")

    def __str__(self) -> str:
        return f"{self.user}: {self.language or '-'}"


class ConsentRecord(models.Model):
    """Who agreed to which version of the personal-data notice (個人資料保護法 §8), when, and where.

    ``version`` is :data:`platform_site.consent.CONSENT_VERSION` at the time of agreement; ``tenant`` is the
    programme office the person registered with (the collector named in the notice). Written by
    :func:`platform_site.consent.record_consent`; never updated.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    tenant = models.ForeignKey("platform_site.Tenant", on_delete=models.PROTECT, related_name="+")
    version = models.CharField(_("notice version"), max_length=32)
    agreed_at = models.DateTimeField(_("agreed at"), default=timezone.now)

    class Meta:
        ordering = ["agreed_at", "pk"]
        verbose_name = _("personal-data consent")

    def __str__(self) -> str:
        return f"{self.user} {self.version} @ {self.agreed_at:%Y-%m-%d}"


class Invitation(TenantOwnedModel):
    """An organisation admin's single-use, expiring invitation of a colleague (by email) into the organisation.

    The link carries ``pk`` and an HMAC of (pk, tenant, email, ``nonce``) keyed by ``SECRET_KEY``
    (:func:`platform_site.invitations.token_for`): the token is never stored, a tampered or other-tenant
    link matches nothing. State: pending until ``expires_at`` (``tenant.config.invitation_valid_days``
    after creation), then expired; ``accepted_at`` / ``revoked_at`` end it for good.
    """

    organization = models.ForeignKey("platform_site.Organization", on_delete=models.PROTECT, related_name="+")
    email = models.EmailField(_("email"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    nonce = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        indexes = [models.Index(fields=["tenant", "organization", "accepted_at"], name="invitation_org_idx")]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization_id}"

    @property
    def status(self) -> str:
        """``"accepted"``, ``"revoked"``, ``"expired"`` or ``"pending"``."""
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
