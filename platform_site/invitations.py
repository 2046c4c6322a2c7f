"""Organisation members: who may manage them, inviting a colleague by email, revoking, accepting.

An organisation's admin is its first registered applicant (``Membership.is_org_admin``, set by
``register_applicant``; migration 0009 marked existing first applicants). The admin invites a colleague by
email: an :class:`~platform_site.models.Invitation` valid ``tenant.config.invitation_valid_days`` days,
used once. The emailed link is ``/t/<slug>/join/<pk>/<token>/`` with ``token`` an HMAC (``SECRET_KEY``) of
the invitation's pk, tenant, email and random nonce: not stored, so a leaked database row does not open it.
Accepting gives the person an applicant membership of the same organisation. Every step is logged on the
invitation (``member_invited``, ``member_joined``, ``invitation_revoked``); the email goes through the
outbox (:func:`platform_site.queueing.enqueue_on_commit`) to :func:`platform_site.tasks.send_invitation_email`.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from platform_site import tasks
from platform_site.activity import claim_notification, log_event
from platform_site.consent import record_consent
from platform_site.enums import ActivityAction, Role
from platform_site.models import ActivityLog, Invitation, Membership, Organization, Tenant
from platform_site.profiles import ensure_profile
from platform_site.queueing import enqueue_on_commit
from platform_site.services import CONSENT_REQUIRED, EMAIL_TAKEN
from platform_site.tenancy import require_tenant

#: SentNotification kind of the invitation email.
INVITATION_EMAIL = "invitation_email"
_SALT = "platform_site.invitations"

ALREADY_MEMBER = _("This person is already a member of your organisation.")
OTHER_ORGANISATION = _(
    "An account with this email already represents another organisation in this office; an account can "
    "represent one organisation per office."
)
#: Pending invitations an organisation may have at once (a cap on mail sent through the portal).
MAX_PENDING = 20
TOO_MANY_PENDING = _("Your organisation has %(count)d pending invitations. Revoke some or wait until they are used.")
ALREADY_INVITED = _("This email has a pending invitation already. Revoke it first to send a new one.")
WRONG_ACCOUNT = _("This invitation is for %(email)s. Sign out and open the link again, or sign in with that email.")


class InvitationInvalid(Exception):
    """The link cannot be used: ``reason`` is ``"invalid"`` (unknown, tampered or another office's),
    ``"expired"``, ``"accepted"`` (used already) or ``"revoked"``."""

    def __init__(self, reason: str, invitation: Invitation | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


def admin_membership(user: Any, tenant: Tenant) -> Membership | None:
    """The user's applicant membership in ``tenant`` (with its organisation), or ``None``. One query."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Membership.objects.filter(user=user, tenant=tenant, role=Role.APPLICANT, organization__isnull=False)
        .select_related("organization")
        .first()
    )


def token_for(invitation: Invitation) -> str:
    """The link token of ``invitation`` (hex HMAC-SHA256; depends on ``SECRET_KEY`` and the row's nonce)."""
    value = f"{invitation.pk}:{invitation.tenant_id}:{invitation.email}:{invitation.nonce}"
    return salted_hmac(_SALT, value, algorithm="sha256").hexdigest()


def invitation_url(invitation: Invitation) -> str:
    """Absolute link for the email, on ``settings.PORTAL_BASE_URL`` (never the request's Host header)."""
    path = reverse(
        "invitation_accept",
        kwargs={"tenant_slug": invitation.tenant.slug, "pk": invitation.pk, "token": token_for(invitation)},
    )
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def pending_invitations(organization: Organization) -> Any:
    """The organisation's invitations neither accepted, revoked nor expired (a queryset, newest first)."""
    return Invitation.objects.filter(
        organization=organization, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def invite(admin: Any, tenant: Tenant, email: str) -> Invitation:
    """The org admin ``admin`` invites ``email`` into their organisation of ``tenant`` (in its tenant scope).

    Raises ``PermissionDenied`` if ``admin`` is not an organisation admin there, ``ValidationError({"email":
    …})`` if the email is a member already, represents another organisation here, has a pending
    invitation, or the organisation has :data:`MAX_PENDING` pending ones. Logs ``member_invited`` and
    queues the email on commit. Returns the invitation.
    """
    membership = admin_membership(admin, tenant)
    if membership is None or not membership.is_org_admin:
        raise PermissionDenied(_("Only the organisation's admin can invite colleagues."))
    email = email.strip().lower()
    existing = Membership.objects.filter(tenant=tenant, role=Role.APPLICANT, user__username__iexact=email).first()
    if existing is not None:
        same = existing.organization_id == membership.organization_id
        raise ValidationError({"email": [ALREADY_MEMBER if same else OTHER_ORGANISATION]})
    with transaction.atomic():
        if pending_invitations(membership.organization).filter(email=email).exists():
            raise ValidationError({"email": [ALREADY_INVITED]})
        open_count = pending_invitations(membership.organization).count()
        if open_count >= MAX_PENDING:
            raise ValidationError({"email": [TOO_MANY_PENDING % {"count": open_count}]})
        invitation = Invitation.objects.create(
            tenant=tenant,
            organization=membership.organization,
            email=email,
            invited_by=admin,
            nonce=secrets.token_hex(16),
            expires_at=timezone.now() + timedelta(days=tenant.config.invitation_valid_days),
        )
        entry = log_event(
            invitation,
            ActivityAction.MEMBER_INVITED,
            admin,
            data={"email": email, "organization_id": membership.organization_id},
        )
        enqueue_on_commit(tasks.send_invitation_email, tenant_id=tenant.pk, log_id=entry.pk)
    return invitation


def revoke(admin: Any, tenant: Tenant, invitation: Invitation) -> None:
    """Withdraw a pending ``invitation`` of the admin's organisation (logs ``invitation_revoked``).

    ``PermissionDenied`` unless ``admin`` is the admin of the invitation's organisation; ``ValidationError``
    if it is no longer pending. Callers 404 an invitation of another organisation before calling this.
    """
    membership = admin_membership(admin, tenant)
    if membership is None or not membership.is_org_admin or membership.organization_id != invitation.organization_id:
        raise PermissionDenied(_("Only the organisation's admin can revoke invitations."))
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status != "pending":
            raise ValidationError(_("This invitation is not pending any more."))
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        log_event(locked, ActivityAction.INVITATION_REVOKED, admin, data={"email": locked.email})


def check_link(pk: int, token: str) -> Invitation:
    """The invitation of the current tenant named by a link, if usable; else :class:`InvitationInvalid`.

    An unknown pk, another tenant's invitation (the scoped manager does not see it) and a wrong token are
    all ``"invalid"``; the state is only revealed to a holder of the right token.
    """
    invitation = Invitation.objects.select_related("organization", "tenant").filter(pk=pk).first()
    if invitation is None or not constant_time_compare(token_for(invitation), token or ""):
        raise InvitationInvalid("invalid")
    if invitation.status != "pending":
        raise InvitationInvalid(invitation.status, invitation)
    return invitation


def _join(invitation: Invitation, user: Any) -> Membership:
    """Lock the invitation, check it again, add the applicant membership, mark it used, log ``member_joined``."""
    locked = Invitation.objects.select_for_update().select_related("organization").get(pk=invitation.pk)
    if locked.status != "pending":
        raise InvitationInvalid(locked.status, locked)
    if Membership.objects.filter(tenant_id=locked.tenant_id, user=user, role=Role.APPLICANT).exists():
        raise ValidationError(OTHER_ORGANISATION)
    membership = Membership.objects.create(
        user=user, tenant_id=locked.tenant_id, role=Role.APPLICANT, organization=locked.organization
    )
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    log_event(locked, ActivityAction.MEMBER_JOINED, user, data={"email": locked.email, "user_id": user.pk})
    return membership


def accept_existing(invitation: Invitation, user: Any) -> Membership:
    """A signed-in ``user`` whose login is the invited email accepts; returns the new membership.

    ``ValidationError`` for another account (``WRONG_ACCOUNT``) or one representing another organisation;
    :class:`InvitationInvalid` if the invitation stopped being pending meanwhile.
    """
    if user.username.lower() != invitation.email.lower():
        raise ValidationError(WRONG_ACCOUNT % {"email": invitation.email})
    with transaction.atomic():
        return _join(invitation, user)


def accept_new(invitation: Invitation, *, full_name: str, password: str, consent: bool, language: str = "") -> Any:
    """Create the invited person's account (login = the invited email), consent record and profile, and
    join; returns the user. ``ValidationError`` without consent or if the email got an account meanwhile."""
    if not consent:
        raise ValidationError({"consent": CONSENT_REQUIRED})
    user_model = get_user_model()
    try:
        with transaction.atomic():
            if user_model.objects.filter(username__iexact=invitation.email).exists():
                raise ValidationError(EMAIL_TAKEN)
            user = user_model.objects.create_user(
                username=invitation.email, email=invitation.email, password=password, first_name=full_name
            )
            record_consent(user, invitation.tenant)
            ensure_profile(user, language=language)
            _join(invitation, user)
    except IntegrityError:
        raise ValidationError(EMAIL_TAKEN) from None
    return user


def members_page(tenant: Tenant, organization: Organization) -> dict[str, Any]:
    """``{"members": [Membership+user, …], "pending": [Invitation, …]}`` of ``organization``: two queries.

    Members are the organisation's applicant memberships, admins first then by join date; pending
    invitations are the ones neither accepted, revoked nor expired, newest first.
    """
    members = list(
        Membership.objects.filter(tenant=tenant, role=Role.APPLICANT, organization=organization)
        .select_related("user")
        .order_by("-is_org_admin", "created_at", "pk")
    )
    pending = list(pending_invitations(organization).select_related("invited_by"))
    return {"members": members, "pending": pending}


def send_invitation_email(entry: ActivityLog) -> bool:
    """Send the bilingual (zh-Hant, then English) invitation email of the ``member_invited`` ``entry`` once.

    Claims the entry first (kind :data:`INVITATION_EMAIL`), so a redelivered task sends nothing; nothing is
    sent for an invitation no longer pending. If sending raises, the claim rolls back and the error
    propagates. Returns whether a mail went out. Runs in the entry's tenant scope.
    """
    require_tenant()
    if entry.action != ActivityAction.MEMBER_INVITED:
        return False
    invitation = Invitation.objects.select_related("organization", "tenant", "invited_by").filter(pk=entry.object_id)
    invitation = invitation.first()
    if invitation is None or invitation.status != "pending":
        return False
    parts = []
    for language in ("zh-hant", "en"):
        with translation.override(language):
            context = {"invitation": invitation, "url": invitation_url(invitation), "tenant": invitation.tenant}
            parts.append(
                (
                    render_to_string("platform_site/email/invitation_subject.txt", context).strip(),
                    render_to_string("platform_site/email/invitation_body.txt", context),
                )
            )
    subject = " / ".join(p[0] for p in parts)
    body = "\n\n----------------------------------------\n\n".join(p[1] for p in parts)
    with transaction.atomic():  # the claim commits only with a sent mail (see claim_notification)
        if claim_notification(entry, INVITATION_EMAIL) is None:
            return False
        send_mail(subject, body, None, [invitation.email])
    return True
