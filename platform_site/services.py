"""Writes of the portal core: applicant registration (organisation + account + applicant membership + 個資
consent + profile). Invitations of colleagues are in :mod:`platform_site.invitations`, profiles in
:mod:`platform_site.profiles`.

Views and the API call these; forms only validate.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from platform_site.consent import record_consent
from platform_site.enums import Role
from platform_site.models import Membership, Organization, Tenant
from platform_site.profiles import ensure_profile
from platform_site.tenancy import tenant_scope

UBN_TAKEN = _(
    "This organisation is already registered. Ask its organisation admin (the colleague who registered it) to "
    "invite you on the portal's Members page: you will receive a link by email to join it."
)
CONSENT_REQUIRED = _("Please agree to the personal-data notice to register.")
EMAIL_TAKEN = _("An account with this email exists already: sign in instead.")


def ubn_taken(tenant: Tenant, ubn: str) -> bool:
    """True when ``tenant`` already has an organisation with this 統一編號 (an empty number is never taken)."""
    if not ubn:
        return False
    with tenant_scope(tenant):
        return Organization.objects.filter(ubn=ubn).exists()


def email_taken(email: str) -> bool:
    """True when an account with this login exists, compared case-insensitively (logins are emails)."""
    return get_user_model().objects.filter(username__iexact=email.strip()).exists()


def registration_conflicts(tenant: Tenant, *, ubn: str, email: str) -> dict[str, Any]:
    """The field errors a registration with this 統一編號 and email would hit now: ``{field: message}``."""
    errors: dict[str, Any] = {}
    if ubn_taken(tenant, ubn):
        errors["ubn"] = UBN_TAKEN
    if email_taken(email):
        errors["email"] = EMAIL_TAKEN
    return errors


def register_applicant(
    tenant: Tenant,
    *,
    org_name: str,
    org_kind: str,
    ubn: str,
    size: str,
    is_domestic: bool,
    address: str,
    phone: str,
    full_name: str,
    email: str,
    password: str,
    consent: bool,
    language: str = "",
) -> Any:
    """Create the organisation, the user (login = lower-cased email), the applicant membership (the
    organisation's admin: :attr:`Membership.is_org_admin`), the 個資 consent record
    (:data:`platform_site.consent.CONSENT_VERSION`) and the profile (``language``: preferred language code or
    ``""``); return the user. Without ``consent`` nothing is written: ``ValidationError({"consent": …})``.

    All rows are written in one transaction. A concurrent registration that took the same 統一編號
    (unique per tenant, ``org_unique_ubn_per_tenant``) or the same login (unique ``auth_user.username`` and
    the case-insensitive index ``auth_user_username_ci_uniq``) makes the database refuse the insert; the
    transaction is rolled back (no organisation without its user) and :class:`ValidationError` is raised
    with the same field messages as the form's pre-check, e.g. ``{"email": [EMAIL_TAKEN]}``.
    Input is assumed validated by ``ApplicantRegistrationForm``.
    """
    if not consent:
        raise ValidationError({"consent": CONSENT_REQUIRED})
    email = email.strip().lower()
    try:
        with tenant_scope(tenant), transaction.atomic():
            org = Organization.objects.create(
                tenant=tenant,
                name=org_name,
                kind=org_kind,
                ubn=ubn,
                size=size,
                is_domestic=is_domestic,
                address=address,
                phone=phone,
            )
            user = get_user_model().objects.create_user(
                username=email, email=email, password=password, first_name=full_name
            )
            Membership.objects.create(
                user=user, tenant=tenant, role=Role.APPLICANT, organization=org, is_org_admin=True
            )
            record_consent(user, tenant)
            ensure_profile(user, language=language)
    except IntegrityError:
        # The rows another registration committed meanwhile are visible now: name the field it took.
        errors = registration_conflicts(tenant, ubn=ubn, email=email)
        if not errors:
            raise
        raise ValidationError(errors) from None
    return user
