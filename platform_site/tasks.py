"""Celery tasks of the platform itself (beat-scheduled, see ``CELERY_BEAT_SCHEDULE`` in settings)."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True, soft_time_limit=60, time_limit=90)
def deliver_outbox() -> int:
    """Publish the outbox rows that are due (see :func:`platform_site.outbox.deliver_due`); return how many.

    Also deletes rows done more than ``OUTBOX_KEEP_DONE_DAYS`` ago. Idempotent: a row claimed twice is just
    published twice, and the tasks behind it are idempotent.
    """
    from platform_site.outbox import deliver_due, prune_done

    prune_done()
    return deliver_due()


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=90)
def send_invitation_email(*, tenant_id: int, log_id: int) -> bool:
    """Email the invitation logged as ``log_id`` (a ``member_invited`` entry) once; idempotent.

    Returns whether an email was sent (not for a missing tenant / entry, a used or revoked invitation, or a
    redelivery).
    """
    from platform_site import invitations
    from platform_site.models import ActivityLog, Tenant
    from platform_site.tenancy import tenant_scope

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return False
    with tenant_scope(tenant):
        entry = ActivityLog.objects.filter(pk=log_id).first()
        if entry is None:
            return False
        return invitations.send_invitation_email(entry)
