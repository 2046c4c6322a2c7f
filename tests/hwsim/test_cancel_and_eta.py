"""Cancel takes effect within a second even in the middle of a long Server QPS search (the watcher thread sets an
event that the engine's frequent progress calls check, not the next throttled progress write), and the progress bar
shows the time left."""

from __future__ import annotations

import contextvars
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from hwsim import services
from hwsim.models import VerificationJob
from hwsim.runner import run_verification
from platform_site.tenancy import tenant_scope
from tests.hwsim.factories import VerificationJobFactory, VerificationRequestFactory, job_in_state


@pytest.mark.django_db(transaction=True)
def test_a_cancel_stops_a_long_run_within_a_second(lab: Any) -> None:
    """A full (not quick) Server run searches QPS for many seconds without a progress report; the progress
    callback's writes are throttled to once an hour here, so only the watcher's event can stop it."""
    job = VerificationJobFactory(tenant=lab.a, request__requester=lab.applicant, request__requester_org=lab.org)
    spec = dict(job.spec, quick=False, scenarios=["Server"])
    with tenant_scope(lab.a):
        VerificationJob.objects.filter(pk=job.pk).update(spec=spec)
    times: dict[str, float] = {}

    def cancel_soon() -> None:
        time.sleep(1.0)
        try:
            with tenant_scope(lab.a):
                services.cancel(VerificationJob.objects.get(pk=job.pk), lab.applicant, comment="stop")
            times["cancelled"] = time.monotonic()
        finally:
            connection.close()

    def runner(spec: dict, progress: Any) -> dict:
        threading.Thread(target=contextvars.copy_context().run, args=(cancel_soon,), daemon=True).start()
        return run_verification(spec, progress)

    with tenant_scope(lab.a):
        state = services.run_job(job.pk, runner=runner, progress_interval=3600)
        stopped = time.monotonic()
        job.refresh_from_db()
    assert state == "cancelled" and job.state == "cancelled" and job.results is None
    assert 0 <= stopped - times["cancelled"] < 1.0, stopped - times["cancelled"]


def test_seconds_left_is_elapsed_times_remaining_over_done(lab: Any) -> None:
    job = job_in_state("running", tenant=lab.a)
    now = timezone.now()
    job.started_at, job.progress = now - timedelta(seconds=30), 0.25
    assert job.seconds_left(now) == pytest.approx(90.0)
    job.progress = 0.01
    assert job.seconds_left(now) is None  # too early to tell
    done = job_in_state("succeeded", tenant=lab.a)
    done.started_at, done.progress = now - timedelta(seconds=30), 0.5
    assert done.seconds_left(now) is None


def test_the_progress_bar_shows_the_time_left(client: Any, lab: Any) -> None:
    job = job_in_state("running", tenant=lab.a, request=VerificationRequestFactory(tenant=lab.a))
    with tenant_scope(lab.a):
        VerificationJob.objects.filter(pk=job.pk).update(
            progress=0.5, started_at=timezone.now() - timedelta(seconds=100), message="starting"
        )
    client.force_login(lab.engineer)
    url = reverse("hwsim:status", kwargs={"tenant_slug": lab.a.slug, "pk": job.request_id})
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="job-time-left"' in body and "about 1 min 4" in body and "left" in body  # ~100 s
    assert "Starting" in body and "starting" not in body.replace('data-state="running"', "")
