"""The job state machine: every transition × state × persona (and the system) — allowed, refused or denied."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from hwsim.enums import JobState
from hwsim.models import PlatformPreset, validate_accelerator
from platform_site.actors import SYSTEM
from platform_site.models import ActivityLog
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused, run_transition, transition_names
from tests.hwsim.factories import PlatformPresetFactory, VerificationRequestFactory, job_in_state

SOURCES = {
    "start": {"queued"},
    "requeue": {"running"},
    "succeed": {"running"},
    "fail": {"queued", "running"},
    "cancel": {"queued", "running"},
}
TARGETS = {"start": "running", "requeue": "queued", "succeed": "succeeded", "fail": "failed", "cancel": "cancelled"}
#: Who may take each action in a state it is possible from ("system" = user None on the task path).
ALLOWED = {
    "start": {"system"},
    "requeue": {"system"},
    "succeed": {"system"},
    "fail": {"system"},
    "cancel": {"applicant", "engineer", "cto", "admin"},
}
KWARGS = {"succeed": {"results": {"summary": []}}, "fail": {"error": "boom"}}


def test_the_job_has_exactly_these_transitions() -> None:
    from hwsim.models import VerificationJob

    assert transition_names(VerificationJob) == set(SOURCES)


def _attempt(job: Any, name: str, actor_name: str, user: Any) -> str:
    try:
        run_transition(job, name, user, **KWARGS.get(name, {}))
    except TransitionRefused:
        return "refused"
    except PermissionDenied:
        return "denied"
    return "ok"


@pytest.mark.parametrize("state", JobState.values)
@pytest.mark.parametrize("name", sorted(SOURCES))
def test_transition_table(lab: Any, state: str, name: str) -> None:
    actors = {**lab.personas(), "system": SYSTEM, "none": None, "anonymous": AnonymousUser()}
    outcomes, expected = {}, {}
    for actor_name, user in actors.items():
        request = VerificationRequestFactory(tenant=lab.a, requester=lab.applicant, requester_org=lab.org)
        job = job_in_state(state, tenant=lab.a, request=request)
        with tenant_scope(lab.a):
            outcomes[actor_name] = _attempt(job, name, actor_name, user)
            job.refresh_from_db()
            if outcomes[actor_name] == "ok":
                assert job.state == TARGETS[name]
                log = ActivityLog.objects.get(object_id=job.pk, action=name)
                assert (log.field_name, log.source_state, log.target_state) == ("state", state, TARGETS[name])
                assert (log.actor, log.by_system) == (
                    (user, False) if actor_name in ALLOWED["cancel"] else (None, True)
                )
            else:
                assert job.state == state
        if state not in SOURCES[name]:
            expected[actor_name] = "refused"
        else:
            expected[actor_name] = "ok" if actor_name in ALLOWED[name] else "denied"
    assert outcomes == expected


def test_succeed_keeps_results_and_progress_in_the_same_save(lab: Any) -> None:
    job = job_in_state("running", tenant=lab.a)
    with tenant_scope(lab.a):
        run_transition(job, "succeed", SYSTEM, results={"summary": [1]})
        job.refresh_from_db()
    assert (job.state, job.results, job.progress) == ("succeeded", {"summary": [1]}, 1.0)
    assert job.finished_at is not None


def test_accelerator_is_validated_through_the_engine_config() -> None:
    validate_accelerator({"rows": 16, "cols": 16, "dataflow": "os"})
    for bad in (
        {"rows": 16},
        {"rows": 0, "cols": 4},
        {"rows": 4, "cols": 4, "foo": 1},
        [1, 2],
        {"rows": 4, "cols": 4, "dataflow": "xy"},
    ):
        with pytest.raises(ValidationError):
            validate_accelerator(bad)


def test_preset_key_is_unique_per_tenant_only(lab: Any) -> None:
    from django.db import IntegrityError, transaction

    PlatformPresetFactory(tenant=lab.a, key="ws32")
    PlatformPresetFactory(tenant=lab.b, key="ws32")
    duplicate = PlatformPresetFactory.build(tenant=lab.a, key="ws32")
    with tenant_scope(lab.a):
        with pytest.raises(IntegrityError), transaction.atomic():
            duplicate.save()
        assert PlatformPreset.objects.filter(key="ws32").count() == 1


def test_spec_lists_platforms_in_the_chosen_order(lab: Any) -> None:
    first = PlatformPresetFactory(tenant=lab.a, key="b-second-alphabetically")
    second = PlatformPresetFactory(tenant=lab.a, key="a-first-alphabetically")
    request = VerificationRequestFactory(tenant=lab.a, presets=[first, second])
    with tenant_scope(lab.a):
        spec = request.build_spec()
    assert [p["key"] for p in spec["platforms"]] == ["b-second-alphabetically", "a-first-alphabetically"]
    assert spec["workloads"] == [{"key": "resnet18", "batch": 2, "params": {}}]
    assert (spec["seed"], spec["quick"], spec["scenarios"]) == (7, True, ["SingleStream", "Offline"])
