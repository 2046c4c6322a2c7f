"""Celery tasks of the verification lab: thin — take ids, re-fetch in the tenant scope, call the services."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from platform_site.models import Tenant
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
    """Run verification job ``job_id`` of tenant ``tenant_id`` (idempotent; see hwsim.services.run_job).

    Acknowledged only after it returns. A worker lost mid-job is noticed by :func:`sweep_stale_jobs` (the
    job's heartbeat stops), on every broker — the filesystem broker has deleted the message already, and
    Redis would hand it out again only after its visibility timeout; such a late redelivery is a no-op.
    Returns the job's final state, or None when there was nothing to do.
    """
    from hwsim import services

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return None
    with tenant_scope(tenant):
        return services.run_job(job_id, task_id=self.request.id or "")


@shared_task(ignore_result=True, soft_time_limit=60, time_limit=90)
def sweep_stale_jobs() -> dict[str, int]:
    """Beat task: in every tenant, requeue (or fail at the attempt cap) running jobs whose heartbeat is stale.

    Scheduled every ``HWSIM_JOB_SWEEP_INTERVAL_S`` (``CELERY_BEAT_SCHEDULE``). Idempotent. Returns
    ``{"requeue": n, "fail": m}`` summed over tenants (jobs are tenant rows under row-level security, so each
    tenant is swept inside its own scope).
    """
    from hwsim import services

    total: dict[str, int] = {}
    for tenant in Tenant.objects.order_by("pk"):
        with tenant_scope(tenant):
            for name, count in services.sweep_stale_jobs().items():
                total[name] = total.get(name, 0) + count
    return total
