"""Celery tasks of the suppliers app: thin — take ids, re-fetch in the tenant scope, call the domain code."""

from __future__ import annotations

from celery import shared_task

from platform_site.models import ActivityLog, Tenant
from platform_site.tenancy import tenant_scope


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=90)
def notify_supplier(*, tenant_id: int, log_id: int) -> bool:
    """Email the supplier's members about log entry ``log_id`` (an onboarding transition, or a new referral)
    once: idempotent through ``claim_notification``. Returns whether an email was sent."""
    from suppliers.notifications import send_supplier_email

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return False
    with tenant_scope(tenant):
        log = ActivityLog.objects.filter(pk=log_id).first()
        return False if log is None else send_supplier_email(log)
