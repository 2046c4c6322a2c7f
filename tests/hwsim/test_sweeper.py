"""A job whose worker was lost: heartbeat, the stale-job sweeper, and exactly one end per job.

The real-worker kill -9 tests are in test_worker.py; these drive the same code paths in-process.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation

from hwsim import services, tasks
from hwsim.models import VerificationJob
from hwsim.runner import run_verification
from platform_site.models import ActivityLog, OutboxMessage
from platform_site.tenancy import tenant_scope
from tests.hwsim.factories import VerificationJobFactory, job_in_state

YEAR = timezone.localdate().year


def _logs(job: VerificationJob) -> list[tuple[str, str, str]]:
    ct = ContentType.objects.get_for_model(VerificationJob)
    with tenant_scope(job.tenant):
        return list(
            ActivityLog.objects.filter(content_type=ct, object_id=job.pk)
            .exclude(field_name="")
            .order_by("pk")
            .values_list("action", "source_state", "target_state")
        )


def _running(lab: Any, *, heartbeat_age_s: float | None, attempt: int = 1, tenant: Any = None) -> VerificationJob:
    """A job left running by attempt ``attempt`` whose last heartbeat is ``heartbeat_age_s`` old (None: never)."""
    job = job_in_state("running", tenant=tenant or lab.a)
    now = timezone.now()
    with tenant_scope(job.tenant):
        VerificationJob.objects.filter(pk=job.pk).update(
            attempt=attempt,
            progress=0.3,
            message="platform 1",
            started_at=now - timedelta(seconds=600),
            heartbeat_at=None if heartbeat_age_s is None else now - timedelta(seconds=heartbeat_age_s),
        )
        job.refresh_from_db()
    return job


def _outbox_for(job: VerificationJob) -> list[OutboxMessage]:
    return [
        m
        for m in OutboxMessage.objects.filter(task="hwsim.tasks.run_verification_job").order_by("pk")
        if m.kwargs == {"tenant_id": job.tenant_id, "job_id": job.pk}
    ]


def test_a_fresh_heartbeat_is_left_alone_and_a_stale_one_is_requeued_with_a_new_message(
    lab: Any, settings: Any
) -> None:
    settings.HWSIM_JOB_STALE_S = 60
    fresh = _running(lab, heartbeat_age_s=5)
    stale = _running(lab, heartbeat_age_s=61)
    with tenant_scope(lab.a):
        assert services.stale_jobs() == [stale.pk]
        assert services.sweep_stale_jobs() == {"requeue": 1}
        assert services.sweep_stale_jobs() == {}  # idempotent: now queued, not running
        fresh.refresh_from_db()
        stale.refresh_from_db()
    assert (fresh.state, fresh.attempt) == ("running", 1)
    assert (stale.state, stale.attempt, stale.progress, stale.heartbeat_at) == ("queued", 1, 0.0, None)
    assert _logs(stale) == [("requeue", "running", "queued")]
    with tenant_scope(lab.a):
        log = ActivityLog.objects.get(object_id=stale.pk, action="requeue")
    assert log.actor is None and log.by_system and log.comment.startswith("attempt 1: no heartbeat since ")
    assert len(_outbox_for(stale)) == 1 and _outbox_for(fresh) == []


def test_a_job_that_never_sent_a_heartbeat_counts_from_its_start(lab: Any) -> None:
    job = _running(lab, heartbeat_age_s=None)
    with tenant_scope(lab.a):
        assert services.stale_jobs() == [job.pk]
        assert services.sweep_stale_jobs() == {"requeue": 1}


def test_the_requeued_job_runs_once_as_the_next_attempt(lab: Any) -> None:
    job = _running(lab, heartbeat_age_s=3600)
    with tenant_scope(lab.a):
        services.sweep_stale_jobs()
        assert services.run_job(job.pk) == "succeeded"
        assert services.run_job(job.pk) is None  # the new message delivered twice: still one end
        job.refresh_from_db()
        job.request.refresh_from_db()
    assert (job.state, job.attempt) == ("succeeded", 2)
    assert job.results == run_verification(job.spec)
    assert job.request.report_number == f"VR-{YEAR}-0001"
    assert [row[0] for row in _logs(job)] == ["requeue", "start", "succeed"]


def test_at_the_attempt_cap_the_sweeper_fails_the_job(lab: Any) -> None:
    job = _running(lab, heartbeat_age_s=3600, attempt=services.MAX_ATTEMPTS)
    with tenant_scope(lab.a), translation.override("en"):  # the error text is stored in the worker's language
        assert services.sweep_stale_jobs() == {"fail": 1}
        job.refresh_from_db()
    assert job.state == "failed"
    assert job.error == "The worker was lost 3 times; giving up."
    assert _logs(job) == [("fail", "running", "failed")]
    assert _outbox_for(job) == []


def test_a_late_redelivery_of_the_old_message_cannot_steal_the_new_attempt(lab: Any) -> None:
    """Requeued; the old message (Redis, after the visibility timeout) and the new one both arrive: one run."""
    job = _running(lab, heartbeat_age_s=3600)
    during = []

    def runner(spec: dict, progress: Any) -> dict:
        progress(0.1, "attempt 2 running")
        during.append(services.run_job(job.pk, task_id="outbox-new"))  # the new message: job is running → no-op
        return run_verification(spec)

    with tenant_scope(lab.a):
        services.sweep_stale_jobs()
        assert services.run_job(job.pk, task_id="old-message", runner=runner, progress_interval=0) == "succeeded"
        job.refresh_from_db()
    assert during == [None]
    assert (job.state, job.attempt, job.celery_task_id) == ("succeeded", 2, "old-message")
    assert [row[0] for row in _logs(job)] == ["requeue", "start", "succeed"]


def test_a_superseded_attempt_that_wakes_up_stops_and_changes_nothing(lab: Any) -> None:
    """Attempt 1 hung past the stale limit, was requeued and attempt 2 finished; attempt 1 then resumes."""
    job = VerificationJobFactory(tenant=lab.a)

    def hung_runner(spec: dict, progress: Any) -> dict:
        progress(0.1, "attempt 1")
        VerificationJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
        assert services.sweep_stale_jobs() == {"requeue": 1}
        assert services.run_job(job.pk) == "succeeded"  # attempt 2, on another worker
        progress(0.5, "attempt 1 wakes up")  # superseded: JobStopped
        raise AssertionError("the superseded attempt must stop")

    with tenant_scope(lab.a):
        assert services.run_job(job.pk, runner=hung_runner, progress_interval=0) == "succeeded"
        job.refresh_from_db()
    assert (job.state, job.attempt) == ("succeeded", 2)
    assert [row[0] for row in _logs(job)] == ["start", "requeue", "start", "succeed"]


def test_the_sweep_task_sweeps_every_tenant_in_its_own_scope(lab: Any) -> None:
    a = _running(lab, heartbeat_age_s=3600)
    b = _running(lab, heartbeat_age_s=3600, tenant=lab.b)
    _running(lab, heartbeat_age_s=1)
    assert tasks.sweep_stale_jobs.apply().get() == {"requeue": 2}
    for job in (a, b):
        with tenant_scope(job.tenant):
            assert VerificationJob.objects.get(pk=job.pk).state == "queued"


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_beats_while_the_runner_reports_nothing(lab: Any) -> None:
    """Committed rows (transactional test): the heartbeat thread writes through its own connection (and, on
    PostgreSQL, must inherit the tenant scope to pass row-level security)."""
    job = VerificationJobFactory(tenant=lab.a)
    beats = []

    def silent_runner(spec: dict, progress: Any) -> dict:
        for _ in range(3):
            time.sleep(0.4)
            beats.append(VerificationJob.objects.values_list("heartbeat_at", flat=True).get(pk=job.pk))
        return {"summary": []}

    with tenant_scope(lab.a):
        assert services.run_job(job.pk, runner=silent_runner, heartbeat_interval=0.1) == "succeeded"
        started = VerificationJob.objects.get(pk=job.pk).started_at
    assert started < beats[0] < beats[1] < beats[2]
