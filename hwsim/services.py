"""The one place that changes verification requests and jobs from the web: create, submit, cancel (logged).

:func:`submit` creates a queued job and queues :func:`hwsim.tasks.run_verification_job` on commit
(durably, through the outbox of :mod:`platform_site.queueing`). Running a job — start, progress, watcher,
cancel, finish, stored report, the stale-job sweeper — is :mod:`hwsim.jobs` (the worker's side; its
lifecycle is described there). Dependencies go one way: ``services → tasks → jobs → reports``; the
names of :mod:`hwsim.jobs` used by callers of this module are re-exported here, with the task-queueing
function bound (:func:`requeue_if_stale`, :func:`sweep_stale_jobs`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from hwsim import jobs, tasks
from hwsim.enums import ACTIVE_STATES, JobState
from hwsim.jobs import (  # noqa: F401  (re-exported: the worker side, for callers of the services)
    MAX_ATTEMPTS,
    PROGRESS_INTERVAL_S,
    JobStopped,
    next_report_number,
    run_job,
    stale_jobs,
)
from hwsim.models import PlatformPreset, RequestPlatform, VerificationJob, VerificationRequest
from platform_site.activity import log_event
from platform_site.enums import ActivityAction, Role
from platform_site.models import ActivityLog, Organization
from platform_site.rules import can, primary_organisation
from platform_site.transitions import TransitionRefused, run_transition

logger = logging.getLogger(__name__)

#: Requeue / sweep with the run task queued through the outbox (see hwsim.jobs).
requeue_if_stale = functools.partial(jobs.requeue_if_stale, enqueue=tasks.enqueue_run)
sweep_stale_jobs = functools.partial(jobs.sweep_stale_jobs, enqueue=tasks.enqueue_run)


def requester_organisation(user: Any, tenant: Any, chosen: Organization | None = None) -> Organization | None:
    """The organisation a new request is made for: the applicant's own, or the one lab staff chose (or none)."""
    own = primary_organisation(user, tenant, Role.APPLICANT)
    if own is not None and not can(user, "hwsim.choose_requester_org"):
        return Organization.objects.get(pk=own)
    return chosen


def create_request(
    user: Any,
    *,
    title: str,
    presets: Sequence[PlatformPreset],
    workloads: list[dict[str, Any]],
    scenarios: list[str],
    seed: int = 2026,
    quick: bool = False,
    requester_org: Organization | None = None,
    submit_now: bool = True,
) -> VerificationRequest:
    """Create a request for ``presets`` (1–n, in order) × ``workloads`` ([{key, batch}]) × ``scenarios``.

    With ``submit_now`` the first job is queued too (see :func:`submit`). Logs ``created``. Raises
    PermissionDenied when the user may not create requests; the inputs are validated by the form / serializer.
    """
    if not can(user, "hwsim.create_request"):
        raise PermissionDenied
    with transaction.atomic():
        request = VerificationRequest.objects.create(
            title=title,
            requester=user,
            requester_org=requester_org,
            workloads=[{"key": w["key"], "batch": int(w["batch"])} for w in workloads],
            scenarios=list(scenarios),
            seed=seed,
            quick=quick,
        )
        RequestPlatform.objects.bulk_create(
            RequestPlatform(tenant=request.tenant, request=request, preset=preset, position=index)
            for index, preset in enumerate(presets)
        )
        log_event(request, ActivityAction.CREATED, user, data={"title": request.title})
        if submit_now:
            submit(request, user)
    return request


def submit_refusal(request: VerificationRequest) -> TransitionRefused | None:
    """Why ``request`` cannot get a new job now (the 409 to raise), or ``None`` when it can.

    The one rule for the service and the page: a request runs again only when none of its jobs is queued or
    running and none has succeeded (a first run, or again after failed / cancelled ones).
    """
    states = set(VerificationJob.objects.filter(request=request).values_list("state", flat=True).distinct())
    if states & ACTIVE_STATES:
        return TransitionRefused(_("This request is already queued or running."), code="job_active")
    if JobState.SUCCEEDED in states:
        return TransitionRefused(_("This request has already been verified."), code="already_succeeded")
    return None


def submit(request: VerificationRequest, user: Any, *, enqueue: bool = True) -> VerificationJob:
    """Queue a new job for ``request`` (first run, or again after a failed / cancelled one); logs the job's
    ``created``.

    The spec is frozen on the job now. Raises PermissionDenied (not the requester or lab staff) or
    TransitionRefused (409, see :func:`submit_refusal`).
    """
    if not can(user, "hwsim.submit_request", request):
        raise PermissionDenied
    with transaction.atomic():
        VerificationRequest.objects.select_for_update().filter(pk=request.pk).values_list("pk", flat=True).get()
        refusal = submit_refusal(request)
        if refusal is not None:
            raise refusal
        job = VerificationJob.objects.create(tenant=request.tenant, request=request, spec=request.build_spec())
        log_event(job, ActivityAction.CREATED, user, data={"request_id": request.pk})
        if enqueue:
            tasks.enqueue_run(job)
    return job


def cancel(job: VerificationJob, user: Any, comment: str = "") -> ActivityLog:
    """Cancel a queued or running job. Raises PermissionDenied, or TransitionRefused (409) when it has ended."""
    return run_transition(job, "cancel", user, comment=comment)
