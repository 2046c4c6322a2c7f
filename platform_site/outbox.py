"""The transactional outbox: queued Celery work survives a broker outage and a broker that loses messages.

:func:`platform_site.queueing.enqueue_on_commit` writes an :class:`OutboxMessage` in the caller's database
transaction and publishes it after commit. The Celery task id of every publication is ``outbox-<pk>``, so the
worker-side signal handlers (:func:`on_task_prerun` / :func:`on_task_postrun`, connected in
``PlatformSiteConfig.ready``) can mark the row *started* and *done*. The beat task
``platform_site.tasks.deliver_outbox`` (``CELERY_BEAT_SCHEDULE``) re-publishes every row that is not done
once its ``available_at`` has passed, with exponential backoff. So a message is re-sent until a worker has
actually *run* the task to its end — whether the first publication failed (broker down), or the broker
dropped the message (kombu's filesystem transport deletes a message when it is fetched, so a worker killed
mid-task takes it along; ``acks_late`` cannot help there). Delivery is *at least once*: every task queued
this way must be idempotent (take ids, re-fetch, check state).

Settings (seconds): ``OUTBOX_RETRY_BASE_S`` (first wait; doubled per publication),
``OUTBOX_RETRY_MAX_S`` (cap of the wait), ``OUTBOX_MAX_FAILURES`` (a task that *raised* this many times is
given up, ``last_error`` says so; publication failures are never given up); ``OUTBOX_KEEP_DONE_DAYS``
(done rows are deleted after this many days).
"""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, F, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

TASK_ID_PREFIX = "outbox-"


def retry_delay(publications: int) -> timedelta:
    """Wait before re-publishing a row published ``publications`` times (≥ 1): base · 2^(n-1), capped."""
    base = float(settings.OUTBOX_RETRY_BASE_S)
    return timedelta(seconds=min(float(settings.OUTBOX_RETRY_MAX_S), base * 2 ** max(0, publications - 1)))


class OutboxMessage(models.Model):
    """One Celery task call to run at least once: task name, keyword arguments (JSON: ids), tenant.

    Not a :class:`~platform_site.tenancy.TenantOwnedModel`, on purpose: like the broker it stands in for,
    the outbox is platform plumbing read by one deliverer across all tenants (one indexed query per beat
    tick, one aggregate for ``/healthz``) rather than per-tenant data. Its rows hold only a task name and
    ids — the tasks themselves re-fetch their objects inside ``tenant_scope(tenant_id)``, under the tenant
    managers and row-level security — and no page or API shows it. ``tenant`` is kept for diagnostics.

    Life of a row: ``created_at`` → published (``published_at``; ``attempts`` counts publications, the last
    failure is in ``last_error``) → ``started_at`` (a worker began the task) → ``done_at`` (the task
    returned, or raised ``OUTBOX_MAX_FAILURES`` times, counted in ``failures``). *Pending* means ``done_at``
    is null; ``available_at`` is when the deliverer may publish it again.
    """

    task = models.CharField(_("task"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict)
    tenant = models.ForeignKey(
        "platform_site.Tenant", on_delete=models.CASCADE, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    available_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "platform_site"
        verbose_name = _("queued task")
        indexes = [
            models.Index(fields=["available_at"], condition=models.Q(done_at__isnull=True), name="outbox_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.task}"

    @property
    def task_id(self) -> str:
        """The Celery task id of every publication of this row."""
        return f"{TASK_ID_PREFIX}{self.pk}"


def message_id(task_id: str | None) -> int | None:
    """The outbox pk encoded in a Celery task id, or ``None`` for a task not queued through the outbox."""
    if not task_id or not task_id.startswith(TASK_ID_PREFIX):
        return None
    try:
        return int(task_id[len(TASK_ID_PREFIX) :])
    except ValueError:
        return None


def publish(message: OutboxMessage) -> bool:
    """Publish ``message`` to the broker now; return whether the broker took it (failures are recorded).

    The row is claimed first (attempts + 1, next ``available_at``), so a slow broker never makes two
    deliverers publish the same row at once. With ``CELERY_TASK_ALWAYS_EAGER`` the task runs inline.
    """
    from platform_site.celery import app

    now = timezone.now()
    attempts = message.attempts + 1
    OutboxMessage.objects.filter(pk=message.pk, done_at__isnull=True).update(
        attempts=F("attempts") + 1, available_at=now + retry_delay(attempts)
    )
    message.attempts = attempts
    task = app.tasks.get(message.task)
    try:
        if task is not None:
            task.apply_async(kwargs=message.kwargs, task_id=message.task_id)
        else:  # not imported here (a pure web process): publish by name
            app.send_task(message.task, kwargs=message.kwargs, task_id=message.task_id)
    except Exception as exc:  # broker down or unwritable: the row stays pending, the deliverer retries
        logger.warning("could not publish %s (%s): %s", message.task_id, message.task, exc)
        OutboxMessage.objects.filter(pk=message.pk).update(last_error=f"publish: {type(exc).__name__}: {exc}"[:2000])
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(published_at=timezone.now())
    return True


def deliver_due(limit: int = 200) -> int:
    """Publish up to ``limit`` pending rows whose ``available_at`` has passed, oldest first; return how many.

    Rows are claimed under ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL (two deliverers never take the
    same row); SQLite serialises writers anyway.
    """
    now = timezone.now()
    with transaction.atomic():
        due = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(done_at__isnull=True, available_at__lte=now)
            .order_by("available_at", "pk")[:limit]
        )
        for message in due:  # claim: push available_at out before the (slow) publications
            message.available_at = now + retry_delay(message.attempts + 1)
        OutboxMessage.objects.bulk_update(due, ["available_at"])
    for message in due:
        publish(message)
    return len(due)


def prune_done(keep_days: float | None = None) -> int:
    """Delete rows done more than ``keep_days`` (default ``OUTBOX_KEEP_DONE_DAYS``) ago; return how many."""
    days = settings.OUTBOX_KEEP_DONE_DAYS if keep_days is None else keep_days
    # Given-up rows stay (healthz counts them, an operator reads their last_error) until handled by hand.
    done = OutboxMessage.objects.filter(done_at__lt=timezone.now() - timedelta(days=days))
    deleted, _by_model = done.exclude(failures__gte=settings.OUTBOX_MAX_FAILURES).delete()
    return deleted


def backlog(now: datetime | None = None) -> dict[str, Any]:
    """``{"pending": n, "oldest_age_s": seconds or None, "given_up": n}`` in two aggregate queries."""
    now = now or timezone.now()
    pending = OutboxMessage.objects.filter(done_at__isnull=True).aggregate(n=Count("pk"), oldest=Min("created_at"))
    given_up = OutboxMessage.objects.filter(done_at__isnull=False, failures__gte=settings.OUTBOX_MAX_FAILURES).count()
    oldest = pending["oldest"]
    return {
        "pending": pending["n"],
        "oldest_age_s": round((now - oldest).total_seconds(), 1) if oldest else None,
        "given_up": given_up,
    }


def broker_status(timeout_s: float) -> dict[str, Any]:
    """``{"reachable": bool, "error": str}``: connect to the broker with a ``timeout_s`` budget (one try).

    For the filesystem transport "connecting" does nothing, so the queue folder must exist and be writable.
    """
    from platform_site.celery import app

    try:
        options = app.conf.broker_transport_options or {}
        if app.conf.broker_url.startswith("filesystem"):
            folder = options.get("data_folder_out", "")
            if not (os.path.isdir(folder) and os.access(folder, os.W_OK)):
                return {"reachable": False, "error": "the broker folder is missing or not writable"}
            return {"reachable": True, "error": ""}
        with app.connection_for_write(connect_timeout=timeout_s) as conn:
            conn.transport_options.update(socket_timeout=timeout_s, socket_connect_timeout=timeout_s)
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout_s)
        return {"reachable": True, "error": ""}
    except Exception as exc:  # only the error's kind goes out (the page is public); the detail goes to the log
        logger.warning("broker unreachable: %s", exc)
        return {"reachable": False, "error": type(exc).__name__}


# --- worker side: mark rows started / done (task_prerun / task_postrun signal handlers) -----------------------


def _time_limit(task: Any) -> float:
    return float(getattr(task, "time_limit", None) or settings.CELERY_TASK_TIME_LIMIT or 3600)


def on_task_prerun(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    """A worker starts an outbox task: mark it started, and hold re-publication until it can no longer run.

    (A started task ends within its hard time limit; if it is not done by then its worker was lost.)
    """
    pk = message_id(task_id)
    if pk is None:
        return
    now = timezone.now()
    wait = timedelta(seconds=_time_limit(task) + float(settings.OUTBOX_RETRY_BASE_S))
    try:
        OutboxMessage.objects.filter(pk=pk, done_at__isnull=True).update(started_at=now, available_at=now + wait)
    except Exception:  # never let bookkeeping stop the task itself; the deliverer will re-publish
        logger.exception("outbox: could not mark %s started", task_id)


def on_task_postrun(
    task_id: str | None = None, task: Any = None, state: str | None = None, retval: Any = None, **kwargs: Any
) -> None:
    """A worker finished an outbox task: done when it returned; when it raised, retry later (capped)."""
    pk = message_id(task_id)
    if pk is None:
        return
    now = timezone.now()
    try:
        if state == "SUCCESS":
            OutboxMessage.objects.filter(pk=pk, done_at__isnull=True).update(done_at=now, last_error="")
            return
        if state in ("RETRY", "IGNORED", "REJECTED"):  # the task re-queued itself or asked to be left alone
            return
        message = OutboxMessage.objects.filter(pk=pk, done_at__isnull=True).first()
        if message is None:
            return
        message.failures += 1
        message.last_error = f"task: {type(retval).__name__}: {retval}"[:2000]
        if message.failures >= settings.OUTBOX_MAX_FAILURES:
            message.done_at = now
            message.last_error = f"given up after {message.failures} failures; {message.last_error}"[:2000]
        else:
            message.available_at = now + retry_delay(message.attempts)
        message.save(update_fields=["failures", "last_error", "done_at", "available_at"])
    except Exception:
        logger.exception("outbox: could not mark %s finished", task_id)
