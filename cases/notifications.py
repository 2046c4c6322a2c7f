"""Emails to applicants about their case (sent by Celery, once per logged transition)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from cases.models import DemandCase
from platform_site.activity import claim_notification
from platform_site.enums import Role
from platform_site.models import ActivityLog, Membership


def case_url(case: DemandCase) -> str:
    return reverse("cases:detail", kwargs={"tenant_slug": case.tenant.slug, "pk": case.pk})


#: SentNotification kind of the applicant's transition email.
APPLICANT_EMAIL = "applicant_email"

#: Transitions the applicant is told about (their own actions are confirmed on screen instead).
NOTIFIED_TRANSITIONS = frozenset(
    {
        "submit",
        "request_documents",
        "refer",
        "assign_reference_design",
        "proceed_to_preliminary",
        "declare_not_eligible",
        "pass_preliminary",
        "fail_preliminary",
        "pass_final",
        "fail_final",
        "close_completed",
    }
)


def applicant_recipients(case: DemandCase) -> list[str]:
    """Email addresses of the case's contact and every applicant member of its organisation (sorted, unique)."""
    emails = set(
        Membership.objects.filter(tenant=case.tenant, role=Role.APPLICANT, organization_id=case.applicant_org_id)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if case.contact_email:
        emails.add(case.contact_email)
    return sorted(emails)


def send_transition_email(log: ActivityLog) -> bool:
    """Send the bilingual (zh-Hant, then English) email for ``log`` unless it was sent already.

    Claims the entry first (a SentNotification row of kind APPLICANT_EMAIL), so a redelivered task sends
    nothing; if sending raises, the claim is released and the error propagates (Celery may retry). Returns
    whether a mail went out.
    """
    if not log.is_transition or log.action not in NOTIFIED_TRANSITIONS:
        return False
    claim = claim_notification(log, APPLICANT_EMAIL)
    if claim is None:
        return False
    case = DemandCase.objects.select_related("tenant").get(pk=log.object_id)
    recipients = applicant_recipients(case)
    if not recipients:
        return False
    parts = []
    for language in ("zh-hant", "en"):
        with translation.override(language):
            context = {"case": case, "log": log, "case_url": settings.PORTAL_BASE_URL + case_url(case)}
            parts.append(
                (
                    render_to_string("cases/email/transition_subject.txt", context).strip(),
                    render_to_string("cases/email/transition_body.txt", context),
                )
            )
    subject = " / ".join(p[0] for p in parts)
    body = "\n\n----------------------------------------\n\n".join(p[1] for p in parts)
    try:
        send_mail(subject, body, None, recipients)
    except Exception:
        claim.delete()
        raise
    return True
