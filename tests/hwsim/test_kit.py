"""The workflow kit in the verification lab: rules-only permissions (no superuser short-cut), the system
actor, the stale-page 409 naming who and when, one submit rule, and the request's whole activity history."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hwsim import services as lab_services
from hwsim.models import VerificationRequest
from platform_site.actors import SYSTEM
from platform_site.enums import Role
from platform_site.rules import can
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused, run_transition
from tests.factories import persona
from tests.hwsim.factories import PlatformPresetFactory, VerificationRequestFactory, job_in_state

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _superuser(tenant, role, org=None):
    user = persona(tenant, role, org)
    user.is_superuser = user.is_staff = True
    user.save()
    return user


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.EXPERT, Role.SUPPLIER])
def test_hwsim_a_superuser_without_the_requesters_role_cannot_cancel_or_act_as_the_system(lab, role):
    """A superuser who is an applicant of another organisation, or holds a non-lab-staff role."""
    boss = _superuser(lab.a, role, lab.org2 if role != Role.EXPERT else None)
    request = VerificationRequestFactory(tenant=lab.a, requester=lab.applicant, requester_org=lab.org)
    job = job_in_state("running", tenant=lab.a, request=request)
    with tenant_scope(lab.a):
        assert boss.has_perm("hwsim.cancel_job", job)
        assert not can(boss, "hwsim.cancel_job", job)
        with pytest.raises(PermissionDenied):
            lab_services.cancel(job, boss)
        for name, kwargs in (("requeue", {}), ("succeed", {"results": {}}), ("fail", {"error": "x"})):
            with pytest.raises(PermissionDenied):
                run_transition(job, name, boss, **kwargs)
        job.refresh_from_db()
        assert job.state == "running"
        run_transition(job, "fail", SYSTEM, error="stopped by the test")  # the system may
        assert job.state == "failed"


def test_cancelling_an_ended_job_says_the_system_finished_it(lab, client):
    request = VerificationRequestFactory(tenant=lab.a, requester=lab.applicant, requester_org=lab.org)
    job = job_in_state("running", tenant=lab.a, request=request)
    with tenant_scope(lab.a):
        run_transition(job, "succeed", SYSTEM, results={"summary": []})
    client.force_login(lab.applicant)
    response = client.post(reverse("hwsim:cancel", kwargs={"tenant_slug": "ailab", "pk": request.pk}), **EN)
    assert response.status_code == 409
    body = response.content.decode()
    assert "The job has already ended and cannot be cancelled. system changed it to “Succeeded” on" in body
    with tenant_scope(lab.a), pytest.raises(TransitionRefused) as refused:
        lab_services.cancel(job, lab.applicant)
    assert (refused.value.extra["changed_by"], refused.value.extra["changed_to"]) == ("system", "succeeded")


def test_one_rule_says_whether_a_request_can_be_submitted(lab, client):
    request = VerificationRequestFactory(tenant=lab.a, requester=lab.applicant, requester_org=lab.org)
    detail = reverse("hwsim:detail", kwargs={"tenant_slug": "ailab", "pk": request.pk})
    client.force_login(lab.applicant)
    with tenant_scope(lab.a):
        assert lab_services.submit_refusal(request) is None
        lab_services.submit(request, lab.applicant, enqueue=False)
        assert lab_services.submit_refusal(request).code == "job_active"
    assert (
        reverse("hwsim:submit", kwargs={"tenant_slug": "ailab", "pk": request.pk})
        not in client.get(detail).content.decode()
    )


def test_hwsim_request_history_shows_creation_and_every_jobs_transitions(lab, client):
    with tenant_scope(lab.a):
        request = lab_services.create_request(
            lab.applicant,
            title="NPU 驗證",
            presets=[PlatformPresetFactory(tenant=lab.a)],
            workloads=[{"key": "resnet18", "batch": 2}],
            scenarios=["Offline"],
            quick=True,
            requester_org=lab.org,
        )
        job = request.jobs.get()
        lab_services.cancel(job, lab.applicant, comment="批次大小錯誤")
        lab_services.submit(request, lab.applicant, enqueue=False)
        request = VerificationRequest.objects.get(pk=request.pk)
    client.force_login(lab.applicant)
    body = client.get(reverse("hwsim:detail", kwargs={"tenant_slug": "ailab", "pk": request.pk}), **EN).content.decode()
    assert body.count('data-action="created"') == 3  # the request, its first and its second job
    assert body.count('Created <span class="fw-normal">(verification job)</span>') == 2
    assert (
        'data-transition="cancel"' in body and "批次大小錯誤" in body and "Queued → <strong>Cancelled</strong>" in body
    )
