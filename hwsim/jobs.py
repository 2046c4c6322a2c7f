"""Running verification jobs (the worker's side): start, progress, heartbeat, cancel, finish, sweep, report.

Job lifecycle (seed 003_fa9863a310fbdc37.txt, cross-platform certification runs): :func:`hwsim.services.submit`
creates a queued job and queues :func:`hwsim.tasks.run_verification_job` on commit (durably, through the
outbox of :mod:`platform_site.queueing`); the task calls :func:`run_job`, which is idempotent and crash-safe:

* a job already succeeded / failed / cancelled is left alone (a duplicated or redelivered message is a no-op);
* a job found *running* is left alone too: it belongs to the attempt that started it. Only the sweeper
  (:func:`sweep_stale_jobs`, beat-scheduled) decides that attempt's worker is gone — its heartbeat is older
  than ``HWSIM_JOB_STALE_S`` — and ``requeue``-s the job (a new outbox message, through the ``enqueue``
  callback the caller passes), or fails it after :data:`MAX_ATTEMPTS`. A late redelivery of the old message
  (Redis, after its visibility timeout) therefore either finds the job running (no-op) or queued, and then
  starts the one next attempt itself;
* a running attempt has a watcher thread (:class:`_Watcher`): every :data:`CANCEL_POLL_S` it checks with
  one indexed query that the attempt still owns the job, writes ``heartbeat_at`` every
  ``HWSIM_JOB_HEARTBEAT_S`` (the runner may compute for long stretches without a progress *write*), and
  when the job was cancelled or superseded it sets its ``stop`` event (a :class:`threading.Event`).
  Cancellation is cooperative: the progress callback (:class:`_ProgressReporter`) checks the event on every
  call, before its time throttle, and raises :class:`JobStopped`. The engine calls ``progress`` every few
  thousand simulated queries inside the LoadGen scenario loops and between the trials of a Server QPS
  search (:mod:`hwsim.engine.runner`), so a cancel takes effect within ~``CANCEL_POLL_S`` + a few ms,
  not at the next unit of work (a Server QPS search can run for tens of seconds). No query per call:
  the check is one ``Event.is_set()``;
* results and the report number are written in the same database transaction as the ``succeed`` transition,
  so there is exactly one result and one ``succeed`` log row per job; then the same worker builds and stores
  the charts and the certificate (:func:`hwsim.reports.build_report`; the sweeper rebuilds a missing one);
* progress and heartbeat writes are queryset updates filtered on ``state=running`` and the attempt —
  zero rows updated means the job was cancelled or superseded, and the progress callback raises
  :class:`JobStopped`, which stops the runner; ``_finish`` of a superseded attempt changes nothing.

This module imports neither :mod:`hwsim.services` nor :mod:`hwsim.tasks` (``tests/hwsim/test_layers.py``):
the tasks call it, and whoever requeues passes the task-queueing function in.
"""

from __future__ import annotations

import contextvars
import logging
import math
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hwsim import reports
from hwsim.enums import JobState
from hwsim.models import VerificationJob, VerificationRequest
from platform_site.actors import SYSTEM
from platform_site.models import TenantCounter
from platform_site.transitions import run_transition

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
#: Seconds between two progress writes of a running job.
PROGRESS_INTERVAL_S = 0.5
#: Seconds between two checks of the watcher that the running attempt still owns its job (cancel latency).
CANCEL_POLL_S = 0.25
#: ``enqueue(job)``: queue a new delivery of the job's task (in the caller's transaction).
Enqueue = Callable[[VerificationJob], Any]

Runner = Callable[[dict[str, Any], Callable[[float, str], None] | None], dict[str, Any]]


class JobStopped(Exception):
    """Raised by the progress callback: the job was cancelled or a newer attempt took it over."""


def _default_runner() -> Runner:
    from hwsim.runner import run_verification

    return run_verification


def next_report_number(request: VerificationRequest) -> str:
    """``VR-<year>-<nnnn>``: gapless per tenant and year (prefix: the tenant's ``report_prefix`` setting)."""
    year = timezone.localdate().year  # Asia/Taipei
    prefix = request.tenant.config.report_prefix
    return f"{prefix}-{year}-{TenantCounter.next_value(f'hwsim-report-{year}'):04d}"


class _ProgressReporter:
    """The runner's ``progress(fraction, message)`` callback for one attempt of one job.

    Every call first checks the watcher's ``stop`` event (cancelled or superseded: :class:`JobStopped`); it
    costs one ``Event.is_set()``, so the engine may call it every few thousand simulated queries. Database
    writes (progress, message, heartbeat) are throttled to one per ``interval_s`` seconds; a write that
    updates no row also raises :class:`JobStopped`.
    """

    def __init__(self, job_id: int, attempt: int, interval_s: float, watcher: _Watcher | None = None) -> None:
        self.job_id, self.attempt, self.interval_s = job_id, attempt, interval_s
        self._stopped = watcher.stop.is_set if watcher is not None else (lambda: False)
        self._last = -math.inf

    def __call__(self, fraction: float, message: str) -> None:
        if self._stopped():
            raise JobStopped
        now = time.monotonic()
        if now - self._last < self.interval_s:
            return
        self._last = now
        fraction = min(1.0, max(0.0, float(fraction)))
        updated = _owned(self.job_id, self.attempt).update(
            progress=fraction, message=str(message)[:200], heartbeat_at=timezone.now()
        )
        if not updated:
            raise JobStopped


def _owned(job_id: int, attempt: int) -> Any:
    """The job as a one-row queryset while ``attempt`` still owns it (running, not superseded)."""
    return VerificationJob.objects.filter(pk=job_id, state=JobState.RUNNING, attempt=attempt)


class _Watcher:
    """The running attempt's watcher thread: ownership check every ``poll_s``, heartbeat every ``interval_s``.

    Every ``poll_s`` (:data:`CANCEL_POLL_S`) one indexed ``SELECT`` checks the attempt still owns the job;
    every ``interval_s`` (``HWSIM_JOB_HEARTBEAT_S``) an ``UPDATE`` writes ``heartbeat_at`` instead. When the
    job was cancelled or superseded the watcher sets :attr:`stop` (the progress callback then raises
    :class:`JobStopped` in the running thread at its next call) and ends.
    The thread runs in a copy of the caller's context (same tenant scope, so PostgreSQL row-level security
    admits its own connection), uses its own database connection and closes it. Query errors are logged,
    never raised: the worst case is a requeue, which the attempt guard makes harmless.
    """

    def __init__(self, job_id: int, attempt: int, interval_s: float, poll_s: float = CANCEL_POLL_S) -> None:
        self.job_id, self.attempt, self.interval_s = job_id, attempt, interval_s
        self.poll_s = max(0.01, min(poll_s, interval_s))
        #: Set when the job was cancelled or superseded (read by :class:`_ProgressReporter`).
        self.stop = threading.Event()
        self._done = threading.Event()
        context = contextvars.copy_context()
        self._thread = threading.Thread(
            target=context.run, args=(self._loop,), daemon=True, name=f"hwsim-watcher-{job_id}"
        )

    def __enter__(self) -> _Watcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._done.set()
        self._thread.join(timeout=max(5.0, self.poll_s))

    def _owns(self, beat: bool) -> bool:
        """False only on evidence: the job row is visible and no longer this attempt's running row (a row this
        connection cannot see — e.g. not yet committed by the test that created it — counts as owned)."""
        if beat and _owned(self.job_id, self.attempt).update(heartbeat_at=timezone.now()):
            return True
        row = VerificationJob.objects.filter(pk=self.job_id).values_list("state", "attempt").first()
        return row is None or row == (JobState.RUNNING, self.attempt)

    def _loop(self) -> None:
        last_beat = time.monotonic()
        try:
            while not self._done.wait(self.poll_s):
                beat = time.monotonic() - last_beat >= self.interval_s
                try:
                    owns = self._owns(beat)
                except Exception:
                    logger.warning("hwsim job %s: watcher query failed", self.job_id, exc_info=True)
                    continue
                if beat:
                    last_beat = time.monotonic()
                if not owns:
                    self.stop.set()
                    return
        finally:
            connection.close()


def _begin(job_id: int, task_id: str) -> VerificationJob | None:
    """Start the queued job as a new attempt; ``None`` when there is nothing to run.

    A running job is not touched (another attempt owns it; see the module docstring), nor an ended one.
    """
    with transaction.atomic():
        job = VerificationJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state != JobState.QUEUED:
            return None
        run_transition(job, "start", SYSTEM)
        VerificationJob.objects.filter(pk=job.pk).update(celery_task_id=task_id[:64])
    return job


def _finish(job: VerificationJob, attempt: int, name: str, **kwargs: Any) -> str:
    """Run ``succeed`` / ``fail`` if this attempt still owns the running job; return the job's final state."""
    with transaction.atomic():
        current = VerificationJob.objects.select_for_update().select_related("request").get(pk=job.pk)
        if current.state != JobState.RUNNING or current.attempt != attempt:
            return current.state
        if name == "succeed":
            request = VerificationRequest.objects.select_for_update().get(pk=current.request_id)
            if not request.report_number:
                request.report_number = next_report_number(request)
                request.save(update_fields=["report_number"])
        run_transition(current, name, SYSTEM, **kwargs)
        return current.state


def run_job(
    job_id: int,
    *,
    task_id: str = "",
    runner: Runner | None = None,
    progress_interval: float = PROGRESS_INTERVAL_S,
    heartbeat_interval: float | None = None,
) -> str | None:
    """Run job ``job_id`` of the current tenant to its end (called by the Celery task; safe to call twice).

    ``runner`` defaults to :func:`hwsim.runner.run_verification`; ``heartbeat_interval`` (seconds) to
    ``settings.HWSIM_JOB_HEARTBEAT_S``. Returns the job's final state (as this attempt left it), or ``None``
    when there was nothing to run (unknown, ended, or already running job). Runner errors end the job
    ``failed`` with the error text; they are not re-raised (the message is then acknowledged, not retried).
    """
    job = _begin(job_id, task_id)
    if job is None:
        return None
    attempt = job.attempt
    run = runner or _default_runner()
    interval = settings.HWSIM_JOB_HEARTBEAT_S if heartbeat_interval is None else heartbeat_interval
    try:
        with _Watcher(job.pk, attempt, interval) as watcher:
            results = run(job.spec, _ProgressReporter(job.pk, attempt, progress_interval, watcher))
    except JobStopped:
        return VerificationJob.objects.filter(pk=job.pk).values_list("state", flat=True).get()
    except SoftTimeLimitExceeded:
        return _finish(job, attempt, "fail", error=_("The simulation exceeded its time limit."))
    except Exception as exc:  # the runner rejected the spec or crashed: the job fails, the worker goes on
        logger.exception("hwsim job %s failed", job.pk)
        return _finish(job, attempt, "fail", error=f"{type(exc).__name__}: {exc}"[:4000])
    state = _finish(job, attempt, "succeed", results=results)
    if state == JobState.SUCCEEDED:
        reports.build_report(job.pk)
    return state


def stale_jobs(stale_s: float | None = None) -> list[int]:
    """Ids of the current tenant's running jobs whose heartbeat (or start) is older than ``stale_s`` seconds."""
    cutoff = timezone.now() - timedelta(seconds=settings.HWSIM_JOB_STALE_S if stale_s is None else stale_s)
    never = Q(heartbeat_at__isnull=True) & (Q(started_at__isnull=True) | Q(started_at__lt=cutoff))
    return list(
        VerificationJob.objects.filter(Q(state=JobState.RUNNING) & (Q(heartbeat_at__lt=cutoff) | never))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def requeue_if_stale(job_id: int, stale_s: float | None = None, *, enqueue: Enqueue) -> str | None:
    """Requeue (``requeue`` + a new task message) or, at :data:`MAX_ATTEMPTS`, fail a job that lost its worker.

    Re-checked under the row lock, so a heartbeat that arrived meanwhile wins. Returns the transition taken
    (``"requeue"`` / ``"fail"``) or ``None``. Both are system transitions, logged with the stale heartbeat.
    ``enqueue(job)`` queues the new delivery in the same transaction (:func:`hwsim.tasks.enqueue_run`).
    """

    with transaction.atomic():
        VerificationJob.objects.select_for_update().filter(pk=job_id).values_list("pk", flat=True).first()
        if job_id not in stale_jobs(stale_s):
            return None
        job = VerificationJob.objects.get(pk=job_id)
        seen = timezone.localtime(job.heartbeat_at or job.started_at) if (job.heartbeat_at or job.started_at) else None
        comment = f"attempt {job.attempt}: no heartbeat since {seen:%Y-%m-%d %H:%M:%S %Z}" if seen else ""
        if job.attempt >= MAX_ATTEMPTS:
            run_transition(
                job,
                "fail",
                SYSTEM,
                comment=comment,
                error=_("The worker was lost %(n)d times; giving up.") % {"n": job.attempt},
            )
            return "fail"
        run_transition(job, "requeue", SYSTEM, comment=comment)
        enqueue(job)
        return "requeue"


def sweep_stale_jobs(stale_s: float | None = None, *, enqueue: Enqueue) -> dict[str, int]:
    """Requeue / fail every running job of the current tenant whose worker was lost; ``{transition: count}``."""
    taken: dict[str, int] = {}
    for job_id in stale_jobs(stale_s):
        name = requeue_if_stale(job_id, stale_s, enqueue=enqueue)
        if name:
            taken[name] = taken.get(name, 0) + 1
    return taken
