"""The one place that changes verification requests and jobs: create, submit, cancel, run (all logged).

Job lifecycle (seed 003_fa9863a310fbdc37.txt, cross-platform certification runs): :func:`submit` creates a
queued job and queues :func:`hwsim.tasks.run_verification_job` on commit (durably, through the outbox of
:mod:`platform_site.queueing`); the task calls :func:`run_job`, which is idempotent and crash-safe:

* a job already succeeded / failed / cancelled is left alone (a duplicated or redelivered message is a no-op);
* a job found *running* is left alone too: it belongs to the attempt that started it. Only the sweeper
  (:func:`sweep_stale_jobs`, beat-scheduled) decides that attempt's worker is gone — its heartbeat is older
  than ``HWSIM_JOB_STALE_S`` — and ``requeue``-s the job (a new outbox message), or fails it after
  :data:`MAX_ATTEMPTS`. A late redelivery of the old message (Redis, after its visibility timeout) therefore
  either finds the job running (no-op) or queued, and then starts the one next attempt itself;
* a running attempt writes ``heartbeat_at`` every ``HWSIM_JOB_HEARTBEAT_S`` from a small thread
  (:class:`_Heartbeat`) — the runner may compute for long stretches without reporting progress — and with
  every progress write;
* results and the report number are written in the same database transaction as the ``succeed`` transition,
  so there is exactly one result and one ``succeed`` log row per job;
* progress and heartbeat writes are queryset updates filtered on ``state=running`` and the attempt —
  zero rows updated means the job was cancelled or superseded, and the progress callback raises
  :class:`JobStopped`, which stops the runner; ``_finish`` of a superseded attempt changes nothing.
"""

from __future__ import annotations

import contextvars
import logging
import math
import threading
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hwsim.enums import ACTIVE_STATES, JobState
from hwsim.models import PlatformPreset, RequestPlatform, VerificationJob, VerificationRequest
from platform_site.activity import log_event
from platform_site.actors import SYSTEM
from platform_site.enums import ActivityAction, Role
from platform_site.models import ActivityLog, Organization, TenantCounter
from platform_site.queueing import enqueue_on_commit
from platform_site.rules import can, primary_organisation
from platform_site.transitions import TransitionRefused, run_transition

logger = logging.getLogger(__name__)

#: A job whose worker was lost this many times is failed instead of requeued (a poison job).
MAX_ATTEMPTS = 3
#: Seconds between two progress writes of a running job.
PROGRESS_INTERVAL_S = 0.5

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


def requester_organisation(user: Any, tenant: Any, chosen: Organization | None = None) -> Organization | None:
    """The organisation a new request is made for: the applicant's own, or the one lab staff chose (or none)."""
    own = primary_organisation(user, tenant, Role.APPLICANT)
    if own is not None and not can(user, "hwsim.choose_requester_org"):
        return Organization.objects.get(pk=own)
    return chosen


def create_request(
    user: Any,
    *,
    title: str,
    presets: Sequence[PlatformPreset],
    workloads: list[dict[str, Any]],
    scenarios: list[str],
    seed: int = 2026,
    quick: bool = False,
    requester_org: Organization | None = None,
    submit_now: bool = True,
) -> VerificationRequest:
    """Create a request for ``presets`` (1–n, in order) × ``workloads`` ([{key, batch}]) × ``scenarios``.

    With ``submit_now`` the first job is queued too (see :func:`submit`). Logs ``created``. Raises
    PermissionDenied when the user may not create requests; the inputs are validated by the form / serializer.
    """
    if not can(user, "hwsim.create_request"):
        raise PermissionDenied
    with transaction.atomic():
        request = VerificationRequest.objects.create(
            title=title,
            requester=user,
            requester_org=requester_org,
            workloads=[{"key": w["key"], "batch": int(w["batch"])} for w in workloads],
            scenarios=list(scenarios),
            seed=seed,
            quick=quick,
        )
        RequestPlatform.objects.bulk_create(
            RequestPlatform(tenant=request.tenant, request=request, preset=preset, position=index)
            for index, preset in enumerate(presets)
        )
        log_event(request, ActivityAction.CREATED, user, data={"title": request.title})
        if submit_now:
            submit(request, user)
    return request


def submit_refusal(request: VerificationRequest) -> TransitionRefused | None:
    """Why ``request`` cannot get a new job now (the 409 to raise), or ``None`` when it can.

    The one rule for the service and the page: a request runs again only when none of its jobs is queued or
    running and none has succeeded (a first run, or again after failed / cancelled ones).
    """
    states = set(VerificationJob.objects.filter(request=request).values_list("state", flat=True).distinct())
    if states & ACTIVE_STATES:
        return TransitionRefused(_("This request is already queued or running."), code="job_active")
    if JobState.SUCCEEDED in states:
        return TransitionRefused(_("This request has already been verified."), code="already_succeeded")
    return None


def submit(request: VerificationRequest, user: Any, *, enqueue: bool = True) -> VerificationJob:
    """Queue a new job for ``request`` (first run, or again after a failed / cancelled one); logs the job's
    ``created``.

    The spec is frozen on the job now. Raises PermissionDenied (not the requester or lab staff) or
    TransitionRefused (409, see :func:`submit_refusal`).
    """
    from hwsim import tasks

    if not can(user, "hwsim.submit_request", request):
        raise PermissionDenied
    with transaction.atomic():
        VerificationRequest.objects.select_for_update().filter(pk=request.pk).values_list("pk", flat=True).get()
        refusal = submit_refusal(request)
        if refusal is not None:
            raise refusal
        job = VerificationJob.objects.create(tenant=request.tenant, request=request, spec=request.build_spec())
        log_event(job, ActivityAction.CREATED, user, data={"request_id": request.pk})
        if enqueue:
            enqueue_on_commit(tasks.run_verification_job, tenant_id=job.tenant_id, job_id=job.pk)
    return job


def cancel(job: VerificationJob, user: Any, comment: str = "") -> ActivityLog:
    """Cancel a queued or running job. Raises PermissionDenied, or TransitionRefused (409) when it has ended."""
    return run_transition(job, "cancel", user, comment=comment)


class _ProgressReporter:
    """The runner's ``progress(fraction, message)`` callback for one attempt of one job (throttled)."""

    def __init__(self, job_id: int, attempt: int, interval_s: float) -> None:
        self.job_id, self.attempt, self.interval_s = job_id, attempt, interval_s
        self._last = -math.inf

    def __call__(self, fraction: float, message: str) -> None:
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


class _Heartbeat:
    """Writes ``heartbeat_at`` of the running attempt every ``interval_s`` seconds from a daemon thread.

    A thread, not only the progress callback: the runner can compute a long layer or QPS search without a
    callback, and a missing heartbeat would make the sweeper requeue a healthy job. The thread runs in a copy
    of the caller's context (same tenant scope, so PostgreSQL row-level security admits its own connection),
    uses its own database connection and closes it. Write errors are logged, never raised: the worst case is
    a requeue, which the attempt guard makes harmless.
    """

    def __init__(self, job_id: int, attempt: int, interval_s: float) -> None:
        self.job_id, self.attempt, self.interval_s = job_id, attempt, interval_s
        self._stop = threading.Event()
        context = contextvars.copy_context()
        self._thread = threading.Thread(
            target=context.run, args=(self._loop,), daemon=True, name=f"hwsim-heartbeat-{job_id}"
        )

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join(timeout=max(5.0, self.interval_s))

    def _loop(self) -> None:
        try:
            while not self._stop.wait(self.interval_s):
                try:
                    if not _owned(self.job_id, self.attempt).update(heartbeat_at=timezone.now()):
                        return  # cancelled or superseded: the progress callback / _finish stop the run
                except Exception:
                    logger.warning("hwsim job %s: heartbeat write failed", self.job_id, exc_info=True)
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
        with _Heartbeat(job.pk, attempt, interval):
            results = run(job.spec, _ProgressReporter(job.pk, attempt, progress_interval))
    except JobStopped:
        return VerificationJob.objects.filter(pk=job.pk).values_list("state", flat=True).get()
    except SoftTimeLimitExceeded:
        return _finish(job, attempt, "fail", error=_("The simulation exceeded its time limit."))
    except Exception as exc:  # the runner rejected the spec or crashed: the job fails, the worker goes on
        logger.exception("hwsim job %s failed", job.pk)
        return _finish(job, attempt, "fail", error=f"{type(exc).__name__}: {exc}"[:4000])
    return _finish(job, attempt, "succeed", results=results)


def stale_jobs(stale_s: float | None = None) -> list[int]:
    """Ids of the current tenant's running jobs whose heartbeat (or start) is older than ``stale_s`` seconds."""
    cutoff = timezone.now() - timedelta(seconds=settings.HWSIM_JOB_STALE_S if stale_s is None else stale_s)
    never = Q(heartbeat_at__isnull=True) & (Q(started_at__isnull=True) | Q(started_at__lt=cutoff))
    return list(
        VerificationJob.objects.filter(Q(state=JobState.RUNNING) & (Q(heartbeat_at__lt=cutoff) | never))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def requeue_if_stale(job_id: int, stale_s: float | None = None) -> str | None:
    """Requeue (``requeue`` + a new task message) or, at :data:`MAX_ATTEMPTS`, fail a job that lost its worker.

    Re-checked under the row lock, so a heartbeat that arrived meanwhile wins. Returns the transition taken
    (``"requeue"`` / ``"fail"``) or ``None``. Both are system transitions, logged with the stale heartbeat.
    """
    from hwsim import tasks

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
        enqueue_on_commit(tasks.run_verification_job, tenant_id=job.tenant_id, job_id=job.pk)
        return "requeue"


def sweep_stale_jobs(stale_s: float | None = None) -> dict[str, int]:
    """Requeue / fail every running job of the current tenant whose worker was lost; ``{transition: count}``."""
    taken: dict[str, int] = {}
    for job_id in stale_jobs(stale_s):
        name = requeue_if_stale(job_id, stale_s)
        if name:
            taken[name] = taken.get(name, 0) + 1
    return taken


def certificate_pdf(request: VerificationRequest, job: VerificationJob, charts: dict[str, str]) -> bytes:
    """The PDF certificate of a succeeded ``job`` (A4, bilingual; see :mod:`hwsim.certificate`).

    ``charts`` is ``hwsim.charts.all_charts(job.results)``. Raises ValueError if the job has not succeeded.
    """
    from hwsim.certificate import CertificateContext, render_certificate_pdf

    if job.state != JobState.SUCCEEDED or not request.report_number:
        raise ValueError("only a succeeded job has a certificate")
    person = request.requester.get_full_name() or request.requester.username
    tenant = request.tenant
    return render_certificate_pdf(
        CertificateContext(
            report_number=request.report_number,
            tenant_name=tenant.name,
            tenant_name_en=tenant.name_en,
            requester=f"{request.requester_org.name} · {person}" if request.requester_org else person,
            title=request.title,
            issued_at=timezone.localtime(job.finished_at),
            spec=job.spec,
            results=job.results,
            charts=charts,
            simulator_version=job.results.get("simulator_version", ""),
        )
    )
