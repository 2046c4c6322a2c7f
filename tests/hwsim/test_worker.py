"""REAL Celery worker and beat processes on the real broker and a real database, on every broker.

The SQLite run uses the filesystem broker (the SQLite test database is a file, see settings, so the
subprocesses open it); the PostgreSQL run (CI, ``scripts/with-postgres-redis.sh``) uses Redis with RLS.

* a queued verification job is picked up and completes;
* a worker killed with SIGKILL in the middle of a job loses nothing: its heartbeat stops, the beat-scheduled
  sweeper requeues the job within its period, a second worker runs it from scratch, and it ends exactly once
  (one result, one ``succeed`` log row, one report number). On the filesystem broker the killed worker's
  message is gone (deleted on fetch); on Redis it comes back after the visibility timeout (3 s here) and
  must change nothing.

Short intervals through the subprocesses' environment: heartbeat 0.5 s, stale after 3 s, sweep every 1 s.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from hwsim import services
from hwsim.models import VerificationJob
from platform_site.models import ActivityLog
from platform_site.tenancy import tenant_scope
from tests.celery_processes import Broker, CeleryProcess, celery_processes, on_redis, real_broker, wait_for
from tests.hwsim.factories import PlatformPresetFactory

VISIBILITY_TIMEOUT_S = 3
HEARTBEAT_S, STALE_S, SWEEP_S = 0.5, 3.0, 1.0
FAST = {
    "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_S),
    "HWSIM_JOB_HEARTBEAT_S": str(HEARTBEAT_S),
    "HWSIM_JOB_STALE_S": str(STALE_S),
    "HWSIM_JOB_SWEEP_INTERVAL_S": str(SWEEP_S),
    "OUTBOX_DELIVER_INTERVAL_S": "1",
    "OUTBOX_RETRY_BASE_S": "2",
}


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    with real_broker(tmp_path) as broker:
        yield broker


@pytest.fixture
def start(tmp_path: Path, broker: Broker) -> Iterator[Callable[[str], CeleryProcess]]:
    with celery_processes(tmp_path, {**FAST, **broker.env}, kill_on_exit=True) as start:
        yield start


def _job(lab: Any, job_pk: int) -> VerificationJob:
    with tenant_scope(lab.a):
        return VerificationJob.objects.get(pk=job_pk)


def _transitions(lab: Any, job_pk: int) -> list[tuple[str, Any]]:
    with tenant_scope(lab.a):
        ct = ContentType.objects.get_for_model(VerificationJob)
        return list(
            ActivityLog.objects.filter(content_type=ct, object_id=job_pk)
            .exclude(field_name="")
            .order_by("pk")
            .values_list("action", "at")
        )


def _submit(lab: Any, *, quick: bool, scenarios: list[str]) -> VerificationJob:
    presets = [
        PlatformPresetFactory(tenant=lab.a, key="ws32-7nm"),
        PlatformPresetFactory(
            tenant=lab.a,
            key="fo-4x16-5nm",
            chiplets=4,
            accelerator={"rows": 16, "cols": 16},
            node_nm=5,
            package="fo-chip-last",
            chiplet_area_mm2=20.0,
        ),
    ]
    with tenant_scope(lab.a):  # autocommit: the outbox row commits and is published right away
        request = services.create_request(
            lab.engineer,
            title="worker test",
            presets=presets,
            workloads=[{"key": "resnet18", "batch": 4}],
            scenarios=scenarios,
            seed=1,
            quick=quick,
        )
        return VerificationJob.objects.get(request=request)


def _terminal(lab: Any, job_pk: int) -> VerificationJob | None:
    job = _job(lab, job_pk)
    return job if job.is_terminal else None


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_job_to_success(lab: Any, start: Callable[[str], CeleryProcess]) -> None:
    start("worker")
    job = _submit(lab, quick=True, scenarios=["SingleStream", "Offline"])
    done = wait_for(lambda: _terminal(lab, job.pk), timeout=60)
    assert done is not None, "the job did not finish"
    assert (done.state, done.attempt, done.progress) == ("succeeded", 1, 1.0)
    assert len(done.results["summary"]) == 2 * 1 * 2
    assert [name for name, _at in _transitions(lab, job.pk)] == ["start", "succeed"]
    with tenant_scope(lab.a):
        assert done.request.report_number == f"VR-{timezone.localdate().year}-0001"


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_s_job_is_requeued_by_the_sweeper_and_ends_exactly_once(
    lab: Any, broker: Broker, start: Callable[[str], CeleryProcess], capsys: Any
) -> None:
    began = time.monotonic()
    start("beat")
    first = start("worker")
    # A full (not quick) run: ~9 s, with a ~5 s stretch without any progress report (the heartbeat thread
    # must keep the job alive through it), time enough to kill mid-job.
    job = _submit(lab, quick=False, scenarios=["SingleStream", "Server", "Offline"])
    running = wait_for(lambda: (j := _job(lab, job.pk)).state == "running" and j.progress > 0 and j, timeout=60)
    assert running, first.text()[-3000:]
    first.kill()
    killed_at, killed_wall = time.monotonic(), timezone.now()
    after_kill = _job(lab, job.pk)
    assert (after_kill.state, after_kill.attempt) == ("running", 1)
    assert 0 < after_kill.progress < 1 and after_kill.heartbeat_at is not None
    old_task_id = after_kill.celery_task_id
    assert re.fullmatch(r"outbox-\d+", old_task_id)
    if on_redis():  # let the old, unacknowledged message become visible again: the new worker gets it too
        time.sleep(VISIBILITY_TIMEOUT_S + 0.5)

    second = start("worker")
    ready_wall = timezone.now()
    done = wait_for(lambda: _terminal(lab, job.pk), timeout=60)
    finished_at = time.monotonic()
    assert done is not None, second.text()[-3000:]
    assert (done.state, done.attempt) == ("succeeded", 2)
    assert len(done.results["summary"]) == 2 * 1 * 3
    log = _transitions(lab, job.pk)
    assert [name for name, _at in log] == ["start", "requeue", "start", "succeed"]
    with tenant_scope(lab.a):
        assert done.request.report_number == f"VR-{timezone.localdate().year}-0001"
    # Within the sweeper's period: once a worker is up and the heartbeat is STALE_S old, the next sweeps requeue.
    requeued_wall = log[1][1]
    due = max(ready_wall, after_kill.heartbeat_at + timezone.timedelta(seconds=STALE_S))
    assert (requeued_wall - due).total_seconds() <= 2 * SWEEP_S + 2, (requeued_wall, due)

    if on_redis():  # the old message was redelivered to the new worker and ran as a no-op
        redelivered = wait_for(lambda: f"[{old_task_id}] received" in second.text(), timeout=10)
        assert redelivered, second.text()[-3000:]
    time.sleep(2 * SWEEP_S + 1)  # more sweeps and deliveries: nothing changes any more
    assert [name for name, _at in _transitions(lab, job.pk)] == ["start", "requeue", "start", "succeed"]
    assert _job(lab, job.pk).results == done.results
    with capsys.disabled():
        print(
            f"\n[hwsim worker-kill, {'redis' if on_redis() else 'filesystem'}] killed at progress "
            f"{after_kill.progress:.2f} after {killed_at - began:.1f} s; requeued "
            f"{(requeued_wall - killed_wall).total_seconds():.1f} s after the kill "
            f"({(requeued_wall - due).total_seconds():.1f} s after it was due); job ended "
            f"{finished_at - killed_at:.1f} s after the kill; total {time.monotonic() - began:.1f} s"
        )
