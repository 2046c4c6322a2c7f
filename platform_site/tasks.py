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
