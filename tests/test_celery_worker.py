"""Integration: a real Celery worker consumes from the real broker (filesystem by default, Redis in CI).

No mocked broker: the task is queued on commit by the service, travels through the broker, and a worker
thread runs it against the real test database.
"""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from cases import services
from platform_site.celery import app as celery_app
from platform_site.tenancy import tenant_scope
from tests.factories import complete_case


@pytest.fixture
def real_broker(settings, tmp_path):
    """Celery not eager; a private filesystem broker folder unless Redis is configured."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, dict(conf.broker_transport_options or {}))
    conf.task_always_eager = False
    if conf.broker_url.startswith("filesystem"):
        folder = tmp_path / "broker"
        for sub in ("queue", "processed", "control"):
            (folder / sub).mkdir(parents=True)
        conf.broker_transport_options = {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
        }
    _drop_connection_pools()
    yield celery_app
    conf.task_always_eager, conf.broker_transport_options = saved[0], saved[1]
    _drop_connection_pools()


def _drop_connection_pools() -> None:
    """Forget pooled broker connections so the next producer/worker reads the current broker options."""
    from kombu import pools

    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_a_decision_email_goes_through_the_broker_and_a_worker(world, real_broker):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    with start_worker(real_broker, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING"):
        with tenant_scope(world.a):
            services.transition_case(case, "submit", world.applicant)
        deadline = time.monotonic() + 30
        while len(mail.outbox) < 2 and time.monotonic() < deadline:  # the applicant's and the office's email
            time.sleep(0.1)
    assert len(mail.outbox) == 2
    assert all(case.reference in m.subject for m in mail.outbox)
