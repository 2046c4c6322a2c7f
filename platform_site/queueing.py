"""Queue Celery tasks durably: an outbox row in the caller's transaction, published after it commits.

Never for a rolled-back change (the row rolls back with it), never lost for a committed one: if the broker
is down or drops the message, the beat task ``platform_site.tasks.deliver_outbox`` re-publishes the row
until a worker has run the task (see :mod:`platform_site.outbox`). Tasks queued here must therefore be
idempotent — take ids (and ``tenant_id``), re-fetch, check state — which every task of the portal is.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from platform_site.outbox import OutboxMessage, publish, retry_delay
from platform_site.tenancy import current_tenant

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Any, **kwargs: Any) -> OutboxMessage:
    """Run ``task(**kwargs)`` at least once, after the current transaction commits.

    ``kwargs`` must be JSON-serialisable (ids, not objects); ``tenant_id`` among them names the row's tenant
    (else the current scope's). Writes the :class:`~platform_site.outbox.OutboxMessage` now (same
    transaction), publishes it on commit. A broker outage is logged, not raised: the change the user made is
    committed and must not turn into an error page; the deliverer publishes the row once the broker is back.
    Returns the outbox row.
    """
    tenant = current_tenant()
    message = OutboxMessage.objects.create(
        task=task.name,
        kwargs=kwargs,
        tenant_id=kwargs.get("tenant_id") or (tenant.pk if tenant else None),
        # Leave the first publication to on_commit below; the deliverer steps in only if that never happens.
        available_at=timezone.now() + retry_delay(1),
    )
    transaction.on_commit(lambda: publish(message))
    return message


def connect_signals() -> None:
    """Connect the worker-side outbox bookkeeping (started / done) to Celery's task signals."""
    from celery.signals import task_postrun, task_prerun

    from platform_site import outbox

    task_prerun.connect(outbox.on_task_prerun, dispatch_uid="outbox_task_prerun", weak=False)
    task_postrun.connect(outbox.on_task_postrun, dispatch_uid="outbox_task_postrun", weak=False)
