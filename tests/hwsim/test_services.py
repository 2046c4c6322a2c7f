"""Creating, submitting, cancelling and running verification jobs: idempotent, crash-safe, exactly one result."""

from __future__ import annotations

from typing import Any

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from hwsim import services, tasks
from hwsim.models import VerificationJob, VerificationRequest
from hwsim.runner import run_verification
from platform_site.models import ActivityLog
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused
from tests.hwsim.factories import (
    PlatformPresetFactory,
    VerificationJobFactory,
    VerificationRequestFactory,
    job_in_state,
)

YEAR = timezone.localdate().year


def _logs(job: VerificationJob) -> list[tuple[str, str, str]]:
    ct = ContentType.objects.get_for_model(VerificationJob)
    with tenant_scope(job.tenant):  # PostgreSQL row-level security: read inside the tenant
        return list(
            ActivityLog.objects.filter(content_type=ct, object_id=job.pk)
            .exclude(field_name="")
            .values_list("action", "source_state", "target_state")
        )


def _create(lab: Any, user: Any, **kwargs: Any) -> VerificationRequest:
    presets = kwargs.pop("presets", None) or [PlatformPresetFactory(tenant=lab.a)]
    with tenant_scope(lab.a):
        return services.create_request(
            user,
            title="NPU 驗證",
            presets=presets,
            workloads=[{"key": "resnet18", "batch": 2}],
            scenarios=["SingleStream", "Offline"],
            seed=3,
            quick=True,
            **kwargs,
        )


def test_create_request_queues_one_job_on_commit(lab: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        request = _create(lab, lab.applicant, requester_org=lab.org)
    assert len(callbacks) == 1
    with tenant_scope(lab.a):
        job = VerificationJob.objects.get(request=request)
        assert (job.state, job.attempt, job.results) == ("queued", 0, None)
        assert job.spec == request.build_spec()
        assert request.requester_org == lab.org


def test_an_applicant_without_the_role_in_this_lab_cannot_create(lab: Any) -> None:
    with pytest.raises(PermissionDenied):
        _create(lab, lab.expert)


def test_the_queued_task_runs_the_job_to_success(lab: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        request = _create(lab, lab.engineer)
    with tenant_scope(lab.a):
        job = VerificationJob.objects.get(request=request)
        request.refresh_from_db()
    assert (job.state, job.attempt, job.progress) == ("succeeded", 1, 1.0)
    assert job.results == run_verification(job.spec)
    assert request.report_number == f"VR-{YEAR}-0001"
    assert _logs(job) == [("start", "queued", "running"), ("succeed", "running", "succeeded")]


def test_run_job_twice_gives_one_result_and_one_succeed_row(lab: Any) -> None:
    job = VerificationJobFactory(tenant=lab.a)
    with tenant_scope(lab.a):
        assert services.run_job(job.pk) == "succeeded"
        first = VerificationJob.objects.get(pk=job.pk)
        assert services.run_job(job.pk) is None
        second = VerificationJob.objects.get(pk=job.pk)
    assert second.results == first.results
    assert second.finished_at == first.finished_at
    assert _logs(job) == [("start", "queued", "running"), ("succeed", "running", "succeeded")]


def test_a_duplicated_task_message_gives_one_result(lab: Any) -> None:
    job = VerificationJobFactory(tenant=lab.a)
    for _ in range(2):
        tasks.run_verification_job.apply(kwargs={"tenant_id": lab.a.pk, "job_id": job.pk}, task_id="same-message")
    with tenant_scope(lab.a):
        job.refresh_from_db()
        job.request.refresh_from_db()
    assert (job.state, job.attempt, job.celery_task_id) == ("succeeded", 1, "same-message")
    assert job.request.report_number == f"VR-{YEAR}-0001"
    assert [row[0] for row in _logs(job)] == ["start", "succeed"]


def test_a_duplicate_delivered_while_running_is_a_no_op_and_the_first_attempt_finishes(lab: Any) -> None:
    job = VerificationJobFactory(tenant=lab.a)
    seen = []

    def first_delivery(spec: dict, progress: Any) -> dict:
        progress(0.1, "first delivery working")
        # The same message is delivered again (e.g. Redis after its visibility timeout): it must not steal the job.
        seen.append(services.run_job(job.pk, progress_interval=0))
        progress(0.2, "first delivery still working")
        return run_verification(spec)

    with tenant_scope(lab.a):
        assert services.run_job(job.pk, runner=first_delivery, progress_interval=0) == "succeeded"
        job.refresh_from_db()
    assert seen == [None]
    assert (job.state, job.attempt) == ("succeeded", 1)
    assert job.results == run_verification(job.spec)
    assert [row[0] for row in _logs(job)] == ["start", "succeed"]


def test_cancel_mid_run_stops_the_runner_at_its_next_progress_report(lab: Any) -> None:
    request = VerificationRequestFactory(tenant=lab.a, requester=lab.applicant, requester_org=lab.org)
    job = VerificationJobFactory(tenant=lab.a, request=request)
    reported = []

    def runner(spec: dict, progress: Any) -> dict:
        progress(0.25, "platform 1")
        reported.append(VerificationJob.objects.values_list("progress", "message").get(pk=job.pk))
        services.cancel(VerificationJob.objects.get(pk=job.pk), lab.applicant, comment="wrong batch size")
        progress(0.5, "platform 2")
        raise AssertionError("the cancelled run must stop")

    with tenant_scope(lab.a):
        assert services.run_job(job.pk, runner=runner, progress_interval=0) == "cancelled"
        job.refresh_from_db()
    assert reported == [(0.25, "platform 1")]
    assert (job.state, job.results, job.progress) == ("cancelled", None, 0.25)
    assert _logs(job) == [("start", "queued", "running"), ("cancel", "running", "cancelled")]


def test_a_cancel_after_the_last_progress_report_still_discards_the_results(lab: Any) -> None:
    job = VerificationJobFactory(tenant=lab.a)

    def runner(spec: dict, progress: Any) -> dict:
        with tenant_scope(lab.a):
            services.cancel(VerificationJob.objects.get(pk=job.pk), lab.engineer)
        return {"summary": []}

    with tenant_scope(lab.a):
        assert services.run_job(job.pk, runner=runner) == "cancelled"
        job.refresh_from_db()
        job.request.refresh_from_db()
    assert (job.state, job.results, job.request.report_number) == ("cancelled", None, "")


def test_progress_writes_are_throttled(lab: Any) -> None:
    job = VerificationJobFactory(tenant=lab.a)
    written = []

    def runner(spec: dict, progress: Any) -> dict:
        for i in range(5):
            progress(i / 10, f"step {i}")
            written.append(VerificationJob.objects.values_list("message", flat=True).get(pk=job.pk))
        return {"summary": []}

    with tenant_scope(lab.a):
        services.run_job(job.pk, runner=runner, progress_interval=3600)
    assert written == ["step 0"] * 5


def test_a_runner_error_ends_the_job_failed_with_the_error(lab: Any) -> None:
    job = VerificationJobFactory(tenant=lab.a)
    with tenant_scope(lab.a):
        bad = dict(job.spec, workloads=[{"key": "alexnet", "batch": 1, "params": {}}])
        VerificationJob.objects.filter(pk=job.pk).update(spec=bad)
        assert services.run_job(job.pk) == "failed"
        job.refresh_from_db()
        job.request.refresh_from_db()
    assert job.state == "failed"
    assert job.error.startswith("ValueError: workloads[0].key: unknown workload 'alexnet'")
    assert (job.results, job.request.report_number) == (None, "")
    assert _logs(job) == [("start", "queued", "running"), ("fail", "running", "failed")]


def test_the_soft_time_limit_fails_the_job(lab: Any) -> None:
    job = VerificationJobFactory(tenant=lab.a)

    def runner(spec: dict, progress: Any) -> dict:
        raise SoftTimeLimitExceeded()

    with tenant_scope(lab.a), translation.override("en"):  # not whatever language an earlier test left active
        assert services.run_job(job.pk, runner=runner) == "failed"
        job.refresh_from_db()
    assert job.error == "The simulation exceeded its time limit."


def test_submit_again_only_after_failure_or_cancellation(lab: Any) -> None:
    request = VerificationRequestFactory(tenant=lab.a, requester=lab.applicant, requester_org=lab.org)
    with tenant_scope(lab.a):
        job = services.submit(request, lab.applicant, enqueue=False)
        with pytest.raises(TransitionRefused) as refused:
            services.submit(request, lab.engineer, enqueue=False)
        assert refused.value.code == "job_active"
        with pytest.raises(PermissionDenied):
            services.submit(request, lab.colleague, enqueue=False)
        services.cancel(job, lab.engineer)
        again = services.submit(request, lab.applicant, enqueue=False)
        assert services.run_job(again.pk) == "succeeded"
        with pytest.raises(TransitionRefused) as refused:
            services.submit(request, lab.applicant, enqueue=False)
        assert refused.value.code == "already_succeeded"


def test_cancelling_an_ended_job_is_refused(lab: Any) -> None:
    job = job_in_state("succeeded", tenant=lab.a)
    with tenant_scope(lab.a), pytest.raises(TransitionRefused):
        services.cancel(job, lab.engineer)


def test_report_numbers_are_gapless_per_tenant(lab: Any) -> None:
    numbers = []
    for tenant in (lab.a, lab.a, lab.b):
        job = VerificationJobFactory(tenant=tenant)
        with tenant_scope(tenant):
            services.run_job(job.pk)
            job.request.refresh_from_db()
        numbers.append(job.request.report_number)
    assert numbers == [f"VR-{YEAR}-0001", f"VR-{YEAR}-0002", f"VR-{YEAR}-0001"]


def test_the_task_ignores_an_unknown_tenant_or_job(lab: Any) -> None:
    assert tasks.run_verification_job.apply(kwargs={"tenant_id": 999999, "job_id": 1}).get() is None
    assert tasks.run_verification_job.apply(kwargs={"tenant_id": lab.a.pk, "job_id": 999999}).get() is None
