"""The outbox: queued work is written in the caller's transaction and re-published until a worker ran it.

Real broker (filesystem, or Redis when configured) and, where a task must run, a real worker thread
(celery.contrib.testing). The subprocess fault tests (kill -9, broker down) are in tests/test_faults.py.
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction
from django.utils import timezone

from cases import services as case_services
from cases import tasks as case_tasks
from platform_site.models import OutboxMessage
from platform_site.outbox import backlog, deliver_due, retry_delay
from platform_site.queueing import enqueue_on_commit
from platform_site.tasks import deliver_outbox
from platform_site.tenancy import tenant_scope
from tests.celery_processes import broker_down, real_broker, wait_for
from tests.factories import complete_case


@pytest.fixture
def broker(tmp_path: Path) -> Any:
    with real_broker(tmp_path) as broker:
        yield broker


def _emails_rows() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(task="cases.tasks.notify_case_transition").order_by("pk"))


def test_a_rolled_back_transaction_leaves_no_row_and_sends_nothing(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        with transaction.atomic():
            enqueue_on_commit(case_tasks.notify_case_transition, tenant_id=world.a.pk, log_id=1)
            assert OutboxMessage.objects.count() == 1  # written in the same transaction
            raise RuntimeError("the user's change fails")
    assert OutboxMessage.objects.count() == 0
    assert callbacks == []


def test_after_commit_the_task_runs_and_the_row_is_marked_started_and_done(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    with django_capture_on_commit_callbacks(execute=True), tenant_scope(world.a):  # eager Celery (unit tests)
        case_services.transition_case(case, "submit", world.applicant)
    [row] = _emails_rows()
    assert row.kwargs == {"tenant_id": world.a.pk, "log_id": row.kwargs["log_id"]}
    assert (row.tenant_id, row.attempts, row.failures, row.last_error) == (world.a.pk, 1, 0, "")
    assert row.published_at and row.started_at and row.done_at
    assert len(mail.outbox) == 2  # one task: the applicant's confirmation and the office's notice
    assert backlog()["pending"] == 0


def test_a_task_that_raises_stays_pending_and_is_given_up_after_the_cap(
    world: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.OUTBOX_MAX_FAILURES = 2
    settings.EMAIL_BACKEND = "tests.platform_site.test_outbox.FailingEmailBackend"
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    with django_capture_on_commit_callbacks(execute=True), tenant_scope(world.a):
        case_services.transition_case(case, "submit", world.applicant)
    [row] = _emails_rows()
    assert (row.done_at, row.failures) == (None, 1)
    assert row.last_error == "task: ConnectionRefusedError: SMTP server down"
    assert row.available_at > timezone.now()  # backoff before the next try
    OutboxMessage.objects.filter(pk=row.pk).update(available_at=timezone.now())
    assert deliver_due() == 1
    row.refresh_from_db()
    assert (row.attempts, row.failures) == (2, 2)
    assert row.done_at is not None and row.last_error.startswith("given up after 2 failures; task: ")
    assert backlog() == {"pending": 0, "oldest_age_s": None, "given_up": 1}


class FailingEmailBackend:
    """An SMTP server that refuses every connection (Django's backend interface, nothing sent)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("SMTP server down")


def test_the_deliverer_task_prunes_rows_done_long_ago_and_keeps_the_rest(world: Any) -> None:
    now = timezone.now()
    rows = [
        OutboxMessage.objects.create(
            task="cases.tasks.notify_case_transition", kwargs={}, available_at=now + timedelta(hours=1), done_at=done
        )
        for done in (now - timedelta(days=8), now - timedelta(days=6), None)
    ]
    assert deliver_outbox.apply().get() == 0  # nothing due
    assert list(OutboxMessage.objects.order_by("pk").values_list("pk", flat=True)) == [rows[1].pk, rows[2].pk]


def test_the_retry_delay_doubles_and_is_capped(settings: Any) -> None:
    settings.OUTBOX_RETRY_BASE_S, settings.OUTBOX_RETRY_MAX_S = 30, 200
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 5)] == [30, 60, 120, 200, 200]


@pytest.mark.django_db(transaction=True)
def test_work_queued_while_the_broker_is_down_runs_once_when_it_is_back(world: Any, broker: Any, settings: Any) -> None:
    """Broker down at the transition: the change commits, the email row stays pending with the error;
    the deliverer publishes it once the broker is back, a real worker sends the email — once."""
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    with broker_down(broker), tenant_scope(world.a):
        case_services.transition_case(case, "submit", world.applicant)
    [row] = _emails_rows()
    assert (row.attempts, row.published_at, row.done_at) == (1, None, None)
    assert row.last_error.startswith("publish: ")
    assert backlog()["pending"] == 1
    assert deliver_due() == 0  # not due yet: backoff

    OutboxMessage.objects.update(available_at=timezone.now())
    with start_worker(broker.app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING"):
        assert deliver_due() == 1
        assert wait_for(lambda: OutboxMessage.objects.get(pk=row.pk).done_at, timeout=30)
        OutboxMessage.objects.update(available_at=timezone.now())
        assert deliver_due() == 0  # done: never published again
    row.refresh_from_db()
    assert (row.attempts, row.failures) == (2, 0)
    assert len(mail.outbox) == 2 and all(case.reference in m.subject for m in mail.outbox)  # applicant, office


@pytest.mark.django_db(transaction=True)
def test_a_message_the_broker_lost_is_published_again(world: Any, broker: Any, settings: Any) -> None:
    """Published, then lost before any worker started it (the filesystem broker deletes on fetch; here the
    queue is purged): the deliverer re-publishes once ``available_at`` passes; a duplicate then runs as a no-op."""
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    with tenant_scope(world.a):
        case_services.transition_case(case, "submit", world.applicant)
    [row] = _emails_rows()
    assert row.published_at is not None and row.started_at is None
    broker.app.control.purge()
    OutboxMessage.objects.update(available_at=timezone.now() - timedelta(seconds=1))
    assert deliver_due() == 1
    assert deliver_due() == 0  # claimed: the next publication waits for the (doubled) retry delay
    with start_worker(broker.app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING"):
        assert wait_for(lambda: OutboxMessage.objects.get(pk=row.pk).done_at, timeout=30)
        time.sleep(0.2)
    assert len(mail.outbox) == 2  # the applicant's and the office's email, once each


@pytest.mark.django_db
def test_healthz_reports_the_broker_and_the_backlog(client: Any, world: Any, broker: Any) -> None:
    with tenant_scope(world.a):
        enqueue_on_commit(case_tasks.notify_case_transition, tenant_id=world.a.pk, log_id=1)  # never committed
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(seconds=90))
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["broker"] == {"reachable": True, "error": ""}
    assert body["outbox"]["pending"] == 1 and 90 <= body["outbox"]["oldest_age_s"] < 120

    with broker_down(broker):
        response = client.get("/healthz")
    # A broker outage degrades, it does not fail the probe: the web still serves and queues durably.
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["broker"]["reachable"]) == ("degraded", False)
