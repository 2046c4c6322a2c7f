"""Celery tasks of the verification lab: thin — take ids, re-fetch in the tenant scope, call :mod:`hwsim.jobs`.

Imports :mod:`hwsim.jobs` and :mod:`hwsim.reports`, never :mod:`hwsim.services` (which imports this module
to queue the run task): ``services → tasks → jobs → reports``.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from hwsim import jobs, reports
from platform_site.models import Tenant
from platform_site.queueing import enqueue_on_commit
from platform_site.tenancy import tenant_scope

#: A full (non-quick) verification of several platforms stays well inside these limits (seconds).
SOFT_TIME_LIMIT_S = 20 * 60
TIME_LIMIT_S = SOFT_TIME_LIMIT_S + 60


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=SOFT_TIME_LIMIT_S,
    time_limit=TIME_LIMIT_S,
)
def run_verification_job(self: Any, *, tenant_id: int, job_id: int) -> str | None:
    """Run verification job ``job_id`` of tenant ``tenant_id`` (idempotent; see hwsim.jobs.run_job), then
    build and store its report (charts and certificate) if it succeeded.

    Acknowledged only after it returns. A worker lost mid-job is noticed by :func:`sweep_stale_jobs` (the
    job's heartbeat stops), on every broker — the filesystem broker has deleted the message already, and
    Redis would hand it out again only after its visibility timeout; such a late redelivery is a no-op.
    Returns the job's final state, or None when there was nothing to do.
    """
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return None
    with tenant_scope(tenant):
        return jobs.run_job(job_id, task_id=self.request.id or "")


def enqueue_run(job: Any) -> None:
    """Queue :func:`run_verification_job` for ``job`` through the outbox (in the caller's transaction)."""
    enqueue_on_commit(run_verification_job, tenant_id=job.tenant_id, job_id=job.pk)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=10 * 60, time_limit=11 * 60)
def build_verification_report(*, tenant_id: int, job_id: int) -> bool:
    """Build the stored report of succeeded job ``job_id`` if it is missing (idempotent); True if it exists."""
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return False
    with tenant_scope(tenant):
        return reports.build_report(job_id) is not None


@shared_task(ignore_result=True, soft_time_limit=60, time_limit=90)
def sweep_stale_jobs() -> dict[str, int]:
    """Beat task: in every tenant, requeue (or fail at the attempt cap) running jobs whose heartbeat is stale,
    and queue the report build of succeeded jobs whose worker was lost before it stored their report.

    Scheduled every ``HWSIM_JOB_SWEEP_INTERVAL_S`` (``CELERY_BEAT_SCHEDULE``). Idempotent. Returns
    ``{"requeue": n, "fail": m, "report": k}`` summed over tenants (jobs are tenant rows under row-level
    security, so each tenant is swept inside its own scope).
    """
    total: dict[str, int] = {}
    for tenant in Tenant.objects.order_by("pk"):
        with tenant_scope(tenant):
            for name, count in jobs.sweep_stale_jobs(enqueue=enqueue_run).items():
                total[name] = total.get(name, 0) + count
            for job_id in reports.unreported_jobs():
                enqueue_on_commit(build_verification_report, tenant_id=tenant.pk, job_id=job_id)
                total["report"] = total.get("report", 0) + 1
    return total
