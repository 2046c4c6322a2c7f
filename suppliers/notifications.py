"""Emails to suppliers: an onboarding decision on their profile, a new referral (once per log entry)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from platform_site.activity import claim_notification
from platform_site.enums import Role
from platform_site.models import ActivityLog, Membership
from suppliers.models import Referral, SupplierProfile

KIND = "supplier_email"


def supplier_recipients(profile: SupplierProfile) -> list[str]:
    """The profile's contact email and every supplier member of its organisation (sorted, unique)."""
    emails = set(
        Membership.objects.filter(tenant=profile.tenant, role=Role.SUPPLIER, organization_id=profile.organization_id)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if profile.contact_email:
        emails.add(profile.contact_email)
    return sorted(emails)


def send_supplier_email(log: ActivityLog) -> bool:
    """Send the email of ``log`` (profile transition or referral ``created``) once; False when nothing to send."""
    subject_obj = log.content_type.get_object_for_this_type(pk=log.object_id)
    slug = log.tenant.slug
    if isinstance(subject_obj, SupplierProfile):
        profile = subject_obj
        subject = _("Your partner profile: %(state)s") % {"state": log.target_label}
        url = reverse("suppliers:mine", kwargs={"tenant_slug": slug})
        body = _("The status of your partner profile is now: %(state)s.") % {"state": log.target_label}
    elif isinstance(subject_obj, Referral):
        profile = subject_obj.profile
        subject = _("New matchmaking referral")
        url = reverse("suppliers:referral", kwargs={"tenant_slug": slug, "pk": subject_obj.pk})
        body = _("The programme office has referred a case to you. Please accept or decline it.")
    else:
        return False
    recipients = supplier_recipients(profile)
    if not recipients:
        return False
    with transaction.atomic():
        if claim_notification(log, KIND) is None:
            return False
        if log.comment:
            body += "\n\n" + log.comment
        send_mail(subject, f"{body}\n\n{settings.PORTAL_BASE_URL}{url}", None, recipients)
    return True
