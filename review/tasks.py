"""Celery tasks of the review app: thin — take ids + tenant_id, re-fetch in the tenant scope, call the domain
code; idempotent (each email is claimed once)."""

from __future__ import annotations

from collections.abc import Callable

from celery import shared_task

from platform_site.models import ActivityLog, Tenant
from platform_site.tenancy import tenant_scope


def _with_entry(tenant_id: int, log_id: int, send: Callable[[ActivityLog], bool]) -> bool:
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return False
    with tenant_scope(tenant):
        entry = ActivityLog.objects.filter(pk=log_id).first()
        return False if entry is None else send(entry)


# ---- expert pool and panels (rvpanel) -----------------------------------------------------------------------
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
