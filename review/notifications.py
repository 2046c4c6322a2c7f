"""Emails of the expert pool and the panels (sent by Celery through the outbox, at most once per log entry).

- the welcome email when the office adds someone to the pool (``created`` on an Expert): a set-password link
  (Django's password-reset token, valid ``PASSWORD_RESET_TIMEOUT``) when the account has no password yet;
- the invitation email (``expert_invited``): meeting, stage, date, mode and the case's title only — nothing
  else of the case before the expert declares no conflict of interest (ISSUE 8);
- the CTO's notice (``recuse`` / ``decline`` transitions): an expert recused (利益迴避) or declined, invite a
  replacement (to the meeting's chair).

Bilingual (zh-Hant, then English), absolute links on ``settings.PORTAL_BASE_URL``. Idempotent: each (entry,
kind) is claimed with :func:`platform_site.activity.claim_notification` in the transaction that sends it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from platform_site.activity import claim_notification
from platform_site.enums import ActivityAction
from platform_site.models import ActivityLog
from review.models import Expert, PanelInvitation

#: SentNotification kinds.
WELCOME_EMAIL = "review_expert_welcome"
INVITATION_EMAIL = "review_invitation_email"
RECUSAL_NOTICE = "review_recusal_notice"


def absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def set_password_url(user: Any) -> str:
    """The emailed set-password link (the portal's password-reset confirmation page)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return absolute(
        reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})
    )


def _send(entry: ActivityLog, kind: str, template: str, context: dict[str, Any], recipients: list[str]) -> bool:
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return False
    parts = []
    for language in ("zh-hant", "en"):
        with translation.override(language):
            parts.append(
                (
                    render_to_string(f"review/email/{template}_subject.txt", context).strip(),
                    render_to_string(f"review/email/{template}_body.txt", context),
                )
            )
    subject = " / ".join(p[0] for p in parts)
    body = "\n\n----------------------------------------\n\n".join(p[1] for p in parts)
    with transaction.atomic():  # the claim commits only with a sent mail
        if claim_notification(entry, kind) is None:
            return False
        send_mail(subject, body, None, recipients)
    return True


def send_expert_welcome(entry: ActivityLog) -> bool:
    """The welcome email of the ``created`` entry of an :class:`Expert` (once). Returns whether it was sent."""
    if entry.action != ActivityAction.CREATED:
        return False
    expert = Expert.objects.select_related("user", "tenant").filter(pk=entry.object_id).first()
    if expert is None:
        return False
    user = expert.user
    context = {
        "expert": expert,
        "tenant": expert.tenant,
        "set_password_url": "" if user.has_usable_password() else set_password_url(user),
        "login_url": absolute(reverse("login")),
        "profile_url": absolute(reverse("review:my_profile", kwargs={"tenant_slug": expert.tenant.slug})),
    }
    return _send(entry, WELCOME_EMAIL, "welcome", context, [user.email])


def _invitation(entry: ActivityLog) -> PanelInvitation | None:
    return (
        PanelInvitation.objects.select_related("meeting__case", "meeting__chair", "expert__user", "tenant")
        .filter(pk=entry.object_id)
        .first()
    )


def invitation_url(invitation: PanelInvitation) -> str:
    return absolute(
        reverse("review:invitation", kwargs={"tenant_slug": invitation.tenant.slug, "inv_pk": invitation.pk})
    )


def send_invitation_email(entry: ActivityLog) -> bool:
    """The invitation email of an ``expert_invited`` entry (once; nothing for a seat no longer invited)."""
    if entry.action != ActivityAction.EXPERT_INVITED:
        return False
    invitation = _invitation(entry)
    if invitation is None or invitation.state != "invited":
        return False
    context = {
        "invitation": invitation,
        "meeting": invitation.meeting,
        "tenant": invitation.tenant,
        "url": invitation_url(invitation),
    }
    return _send(entry, INVITATION_EMAIL, "invitation", context, [invitation.expert.user.email])


def send_recusal_notice(entry: ActivityLog) -> bool:
    """The chair's notice of a ``recuse`` or ``decline`` transition: invite a replacement (once)."""
    if not entry.is_transition or entry.action not in ("recuse", "decline"):
        return False
    invitation = _invitation(entry)
    if invitation is None:
        return False
    meeting = invitation.meeting
    panel_url = absolute(
        reverse("review:panel", kwargs={"tenant_slug": invitation.tenant.slug, "meeting_pk": meeting.pk})
    )
    context = {
        "invitation": invitation,
        "meeting": meeting,
        "tenant": invitation.tenant,
        "url": panel_url,
        "recused": entry.action == "recuse",
    }
    return _send(entry, RECUSAL_NOTICE, "recusal", context, [meeting.chair.email])
