"""Celery tasks of the review app: thin — take ids + tenant_id, re-fetch in the tenant scope, call the domain
code; idempotent (each email is claimed once)."""

from __future__ import annotations

from collections.abc import Callable

from celery import shared_task

from platform_site.models import ActivityLog, Tenant
from platform_site.tenancy import tenant_scope
from review.apps import REVIEW_TENANT_KINDS


def _with_entry(tenant_id: int, log_id: int, send: Callable[[ActivityLog], bool]) -> bool:
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return False
    with tenant_scope(tenant):
        entry = ActivityLog.objects.filter(pk=log_id).first()
        return False if entry is None else send(entry)


# ---- expert pool and panels --------------------------------------------------------------------------------------
@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=90)
def send_expert_welcome(*, tenant_id: int, log_id: int) -> bool:
    """Welcome a new pool member (set-password link if needed); returns whether an email was sent."""
    from review import notifications

    return _with_entry(tenant_id, log_id, notifications.send_expert_welcome)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=90)
def send_invitation_email(*, tenant_id: int, log_id: int) -> bool:
    """Email the panel invitation logged as ``log_id`` once."""
    from review import notifications

    return _with_entry(tenant_id, log_id, notifications.send_invitation_email)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=90)
def send_recusal_notice(*, tenant_id: int, log_id: int) -> bool:
    """Tell the chair an expert recused or declined (log entry ``log_id``) once."""
    from review import notifications

    return _with_entry(tenant_id, log_id, notifications.send_recusal_notice)


# ---- reminders ---------------------------------------------------------------------------------------------------
@shared_task(ignore_result=True, soft_time_limit=120, time_limit=180)
def send_review_reminders() -> dict[str, int]:
    """Beat task (``CELERY_BEAT_SCHEDULE["review-reminders"]``, every ``REVIEW_REMINDER_INTERVAL_S``): in every
    active office, the reminders of :mod:`review.reminders` not sent yet. Idempotent: a second run sends nothing
    the first one sent. Returns ``{kind: emails sent}`` summed over tenants."""
    from review import reminders

    total = dict.fromkeys(reminders.KINDS, 0)
    for tenant in Tenant.objects.filter(is_active=True, kind__in=sorted(REVIEW_TENANT_KINDS)).order_by("pk"):
        with tenant_scope(tenant):
            for kind, count in reminders.send_reminders(tenant).items():
                total[kind] += count
    return total


# ---- decisions and minutes ---------------------------------------------------------------------------------------
@shared_task(acks_late=True, ignore_result=True, soft_time_limit=120, time_limit=180)
def render_minutes(*, tenant_id: int, decision_id: int) -> bool:
    """Render and store the minutes PDF of a recorded decision once (:func:`review.minutes.issue_minutes`;
    re-runs store nothing). Queued on commit by :func:`review.services.close_with_decision`. Returns whether a
    file was stored."""
    from review.minutes import issue_minutes

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return False
    with tenant_scope(tenant):
        return issue_minutes(decision_id)
