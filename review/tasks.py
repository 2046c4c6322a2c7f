"""Celery tasks of the review committee: thin — re-fetch in the tenant scope, call the domain code."""

from __future__ import annotations

from celery import shared_task

from platform_site.models import Tenant
from platform_site.tenancy import tenant_scope
from review.apps import REVIEW_KINDS


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=180)
def send_review_reminders() -> dict[str, int]:
    """Beat task (``CELERY_BEAT_SCHEDULE["review-reminders"]``, every ``REVIEW_REMINDER_INTERVAL_S``): in every
    active office, the reminders of :mod:`review.reminders` not sent yet. Idempotent: a second run sends nothing
    the first one sent. Returns ``{kind: emails sent}`` summed over tenants."""
    from review import reminders

    total = dict.fromkeys(reminders.KINDS, 0)
    for tenant in Tenant.objects.filter(is_active=True, kind__in=sorted(REVIEW_KINDS)).order_by("pk"):
        with tenant_scope(tenant):
            for kind, count in reminders.send_reminders(tenant).items():
                total[kind] += count
    return total
