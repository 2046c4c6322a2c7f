"""Celery tasks of the cases app: thin — take ids, re-fetch in the tenant scope, call the domain code."""

from __future__ import annotations

from celery import shared_task

from cases.notifications import send_transition_email
from platform_site.models import ActivityLog, Tenant
from platform_site.tenancy import tenant_scope


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=90)
def notify_case_transition(*, tenant_id: int, log_id: int) -> bool:
    """Email the applicant about the logged transition ``log_id`` once (idempotent: re-runs send nothing).

    Returns whether an email was sent.
    """
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return False
    with tenant_scope(tenant):
        log = ActivityLog.objects.filter(pk=log_id).first()
        if log is None:
            return False
        return send_transition_email(log)
