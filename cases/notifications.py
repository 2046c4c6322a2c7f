"""Emails about demand cases (sent by Celery, at most once per logged transition and kind).

* Applicants (the case's contact and the applicant members of its organisation) hear of each step the
  office or the committee takes, and get a confirmation with the due date when they submit.
* The office (the tenant's office reviewers) hears of every submission and every resubmission after a
  documents request (補件), so the 5-working-day 資格審 clock (seed 000_9617a3b789ca4d20.txt) is seen.

Each email shows the state *its* transition produced (the log entry's ``target_state``), not the case's
state when the worker runs — a worker that catches up on four transitions sends four different states.
The qualification due date (the case's current one) appears only in the emails of transitions that start
the clock (submit, resubmit) and only while it still runs: never after the decision. Links are absolute
(``settings.PORTAL_BASE_URL``). Idempotent: each (entry, kind) is claimed with
:func:`platform_site.activity.claim_notification` in the transaction that sends it (at least once, never lost).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from cases.enums import QUALIFICATION_CLOCK_STATES, CaseState
from cases.models import DemandCase
from platform_site.activity import claim_notification
from platform_site.enums import Role
from platform_site.models import ActivityLog, Membership


def case_url(case: DemandCase) -> str:
    """The case page's absolute URL (``PORTAL_BASE_URL`` + path)."""
    path = reverse("cases:detail", kwargs={"tenant_slug": case.tenant.slug, "pk": case.pk})
    return settings.PORTAL_BASE_URL.rstrip("/") + path


#: SentNotification kinds.
APPLICANT_EMAIL = "applicant_email"
OFFICE_EMAIL = "office_email"

#: Transitions the applicant is told about (their own other actions are confirmed on screen instead).
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
        "close_terminated",
    }
)
#: Transitions the office reviewers are told about: a case enters (or re-enters) the qualification queue.
OFFICE_TRANSITIONS = frozenset({"submit", "resubmit"})


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


def office_recipients(case: DemandCase) -> list[str]:
    """Email addresses of the tenant's office reviewers and tenant admins — the roles that run 資格審
    (推動辦公室人員; seed 000_9617a3b789ca4d20.txt) — sorted, unique."""
    return sorted(
        set(
            Membership.objects.filter(tenant=case.tenant, role__in=[Role.OFFICE_REVIEWER, Role.TENANT_ADMIN])
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def email_context(case: DemandCase, log: ActivityLog) -> dict[str, object]:
    """What the templates show: the state the transition produced (label, and the closure reason when it
    closed the case — ``closed`` is final, so the case's reason is that transition's), the due date only
    for a transition into a clock state while the case's clock still runs, the comment and the absolute link."""
    state = log.target_state
    due = None
    if state in QUALIFICATION_CLOCK_STATES and case.state in QUALIFICATION_CLOCK_STATES:
        due = case.qualification_due
    return {
        "case": case,
        "log": log,
        "state_label": log.target_label,
        "closure_reason": case.get_closure_reason_display() if state == CaseState.CLOSED else "",
        "qualification_due": due,
        "case_url": case_url(case),
    }


def _send(log: ActivityLog, case: DemandCase, kind: str, template: str, recipients: Iterable[str]) -> bool:
    recipients = list(recipients)
    if not recipients:
        return False
    parts = []
    for language in ("zh-hant", "en"):
        with translation.override(language):
            context = email_context(case, log)
            parts.append(
                (
                    render_to_string(f"cases/email/{template}_subject.txt", context).strip(),
                    render_to_string(f"cases/email/{template}_body.txt", context),
                )
            )
    subject = " / ".join(p[0] for p in parts)
    body = "\n\n----------------------------------------\n\n".join(p[1] for p in parts)
    # The claim commits only with a sent mail: a failed send rolls it back for the retry, and a worker killed
    # between send and commit leaves no claim, so the retry sends again (at least once, never lost). A
    # concurrent second delivery waits on the claim's unique index and then finds it taken.
    with transaction.atomic():
        if claim_notification(log, kind) is None:
            return False
        send_mail(subject, body, None, recipients)
    return True


def send_transition_email(log: ActivityLog) -> bool:
    """Send the bilingual (zh-Hant, then English) emails for ``log`` that were not sent yet: the applicant's
    (:data:`NOTIFIED_TRANSITIONS`) and the office's (:data:`OFFICE_TRANSITIONS`).

    Each kind is claimed (a SentNotification row) in the transaction that sends it, so a redelivered task
    sends nothing again; if sending raises, that claim rolls back and the error propagates (the outbox
    retries; an email already sent stays claimed). Returns whether any mail went out.
    """
    if not log.is_transition or log.action not in NOTIFIED_TRANSITIONS | OFFICE_TRANSITIONS:
        return False
    case = DemandCase.objects.select_related("tenant").get(pk=log.object_id)
    sent = False
    if log.action in NOTIFIED_TRANSITIONS:
        sent |= _send(log, case, APPLICANT_EMAIL, "transition", applicant_recipients(case))
    if log.action in OFFICE_TRANSITIONS:
        sent |= _send(log, case, OFFICE_EMAIL, "office", office_recipients(case))
    return sent
