"""Celery tasks of design-space exploration: thin — ids + tenant, re-fetch in the tenant scope, call the services.

Queued through the outbox (``enqueue_on_commit``), so each is delivered at least once and re-published
until a worker has run it to its end; both are idempotent (:mod:`hwsim.dse.services` says how). A chunk of
:data:`hwsim.engine.dse.DEFAULT_CHUNK_SIZE` ResNet-50 configurations takes well under a second, so the time
limits are short (``HWSIM_DSE_CHUNK_TIME_LIMIT_S``, 90 s): a killed worker's chunk is re-published that long
(+ ``OUTBOX_RETRY_BASE_S``) after it started.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from platform_site.models import Tenant
from platform_site.tenancy import tenant_scope

CHUNK_TIME_LIMIT_S = settings.HWSIM_DSE_CHUNK_TIME_LIMIT_S
CHUNK_SOFT_TIME_LIMIT_S = 0.8 * CHUNK_TIME_LIMIT_S


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True, soft_time_limit=30, time_limit=60)
def start_sweep(*, tenant_id: int, request_id: int) -> bool:
    """Start sweep ``request_id`` and queue its chunk tasks (a no-op unless it is queued)."""
    from hwsim.dse import services as dse_services

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return False
    with tenant_scope(tenant):
        return dse_services.start_sweep(request_id)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=CHUNK_SOFT_TIME_LIMIT_S,
    time_limit=CHUNK_TIME_LIMIT_S,
)
def run_chunk(*, tenant_id: int, request_id: int, index: int) -> str | None:
    """Compute and store chunk ``index`` of sweep ``request_id``, then finish the sweep if it was the last."""
    from hwsim.dse import services as dse_services

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return None
    with tenant_scope(tenant):
        return dse_services.run_chunk(request_id, index)
