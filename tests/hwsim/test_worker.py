"""A REAL Celery worker process on the real broker (Redis) and a real database (PostgreSQL, with RLS).

* a queued verification job is picked up and completes;
* a worker killed with SIGKILL in the middle of a job loses nothing: the unacknowledged message comes back
  after the broker's visibility timeout (3 s here, via CELERY_VISIBILITY_TIMEOUT), a new worker runs the job
  again from scratch, and it ends exactly once (one result, one ``succeed`` log row, one report number).

Needs ``REDIS_URL`` and a PostgreSQL ``DATABASE_URL`` (CI sets both); skipped otherwise. The worker
subprocess is given the test database (``test_<name>``) through its own DATABASE_URL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from kombu import pools as kombu_pools

from hwsim import services
from hwsim.models import VerificationJob
from platform_site.celery import app as celery_app
from platform_site.models import ActivityLog
from platform_site.tenancy import tenant_scope
from tests.hwsim.factories import PlatformPresetFactory

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT_S = 3

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL") or not os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")),
        reason="needs REDIS_URL and a PostgreSQL DATABASE_URL",
    ),
]


def _database_url() -> str:
    """A DATABASE_URL for the test database this process uses (``test_<name>``)."""
    s = connection.settings_dict
    auth = quote(s["USER"], safe="") + (":" + quote(s["PASSWORD"], safe="") if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


def _fresh_connection_pools() -> None:
    """Close and forget every pooled broker connection (kombu's registry too), so none is a closed one."""
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker() -> Iterator[Any]:
    """Celery not eager (the suite's default), the queue emptied before and after."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    _fresh_connection_pools()
    celery_app.control.purge()
    yield celery_app
    celery_app.control.purge()
    celery_app.conf.task_always_eager = saved
    _fresh_connection_pools()


class Worker:
    """``celery -A platform_site worker --pool=solo --concurrency=1 -Q celery`` as a child process."""

    def __init__(self, log: Path) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_S),
            "DJANGO_SETTINGS_MODULE": "platform_site.settings",
            "DB_CONN_MAX_AGE": "0",
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.log = log
        self._out = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "platform_site", "worker", "--pool=solo", "--concurrency=1",
             "-Q", "celery", "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "-n", f"hwsim-test-{uuid.uuid4().hex[:8]}@%h"],
            cwd=ROOT, env=env, stdout=self._out, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        _wait(lambda: " ready." in self.log.read_text(errors="replace") or self.proc.poll() is not None, timeout)
        assert self.proc.poll() is None, self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, the message stays unacknowledged on the broker."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._out.close()


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Callable[[], Worker]]:
    started: list[Worker] = []

    def start() -> Worker:
        worker = Worker(tmp_path / f"worker-{len(started) + 1}.log")
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()


def _wait(condition: Callable[[], Any], timeout: float, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    return condition()


def _job(lab: Any, job_pk: int) -> VerificationJob:
    with tenant_scope(lab.a):
        return VerificationJob.objects.get(pk=job_pk)


def _transitions(lab: Any, job_pk: int) -> list[str]:
    with tenant_scope(lab.a):
        ct = ContentType.objects.get_for_model(VerificationJob)
        entries = ActivityLog.objects.filter(content_type=ct, object_id=job_pk).exclude(field_name="")
        return list(entries.values_list("action", flat=True))


def _submit(lab: Any, *, quick: bool, scenarios: list[str]) -> VerificationJob:
    presets = [
        PlatformPresetFactory(tenant=lab.a, key="ws32-7nm"),
        PlatformPresetFactory(tenant=lab.a, key="fo-4x16-5nm", chiplets=4, accelerator={"rows": 16, "cols": 16},
                              node_nm=5, package="fo-chip-last", chiplet_area_mm2=20.0),
    ]
    with tenant_scope(lab.a):  # autocommit: the task is queued on the broker right away
        request = services.create_request(lab.engineer, title="worker test", presets=presets,
                                          workloads=[{"key": "resnet18", "batch": 4}], scenarios=scenarios,
                                          seed=1, quick=quick)
        return VerificationJob.objects.get(request=request)


def _terminal(lab: Any, job_pk: int) -> VerificationJob | None:
    job = _job(lab, job_pk)
    return job if job.is_terminal else None


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_job_to_success(lab: Any, broker: Any, workers: Callable[[], Worker]) -> None:
    workers()
    job = _submit(lab, quick=True, scenarios=["SingleStream", "Offline"])
    done = _wait(lambda: _terminal(lab, job.pk), timeout=60)
    assert done is not None, "the job did not finish"
    assert (done.state, done.attempt, done.progress) == ("succeeded", 1, 1.0)
    assert len(done.results["summary"]) == 2 * 1 * 2
    assert _transitions(lab, job.pk) == ["start", "succeed"]
    with tenant_scope(lab.a):
        assert done.request.report_number == f"VR-{timezone.localdate().year}-0001"


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_s_job_is_redelivered_and_ends_exactly_once(
    lab: Any, broker: Any, workers: Callable[[], Worker], capsys: Any
) -> None:
    began = time.monotonic()
    first = workers()
    # A full (not quick) run: the Server QPS search takes seconds per platform, time enough to kill mid-job.
    job = _submit(lab, quick=False, scenarios=["SingleStream", "Server", "Offline"])
    running = _wait(lambda: (j := _job(lab, job.pk)).state == "running" and j.progress > 0 and j, timeout=60)
    assert running, "the first worker never started the job"
    first.kill()
    killed_at = time.monotonic()
    after_kill = _job(lab, job.pk)
    assert (after_kill.state, after_kill.attempt) == ("running", 1)
    assert 0 < after_kill.progress < 1
    task_id = after_kill.celery_task_id
    assert task_id

    # The broker hands the unacknowledged message out again once the visibility timeout has passed.
    time.sleep(VISIBILITY_TIMEOUT_S + 0.5)
    second = workers()
    done = _wait(lambda: _terminal(lab, job.pk), timeout=180)
    finished_at = time.monotonic()
    assert done is not None, second.log.read_text(errors="replace")[-3000:]
    assert (done.state, done.attempt, done.celery_task_id) == ("succeeded", 2, task_id)
    assert len(done.results["summary"]) == 2 * 1 * 3
    assert _transitions(lab, job.pk) == ["start", "restart", "succeed"]
    with tenant_scope(lab.a):
        assert done.request.report_number == f"VR-{timezone.localdate().year}-0001"
    # Nothing is left on the broker to run the job a third time.
    client = broker.connection_for_write().channel().client
    assert (client.llen("celery"), client.hlen("unacked")) == (0, 0)
    with capsys.disabled():
        print(f"\n[hwsim worker-kill] killed at progress {after_kill.progress:.2f} after "
              f"{killed_at - began:.1f} s; redelivered job finished {finished_at - killed_at:.1f} s after the kill; "
              f"total {finished_at - began:.1f} s")
