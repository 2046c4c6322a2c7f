"""Broker down at submit, with REAL worker and beat processes: nothing queued meanwhile is lost or run twice.

While the broker is down (filesystem: its queue folder is gone; Redis: a closed port), a verification
request is created through the API (201, job ``queued``) and a case transition queues its email: both
publications fail and the outbox rows stay pending. Once the broker is back, a worker and beat start; the
beat-scheduled deliverer publishes both rows, the job runs once and the email is sent once. Runs on the
filesystem broker + SQLite and on Redis + PostgreSQL alike (see tests/celery_processes.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from cases import services as case_services
from hwsim.models import VerificationJob
from platform_site.enums import TenantKind
from platform_site.models import ActivityLog, OutboxMessage, Tenant
from platform_site.tenancy import tenant_scope
from tests.celery_processes import Broker, broker_down, celery_processes, real_broker, wait_for
from tests.factories import complete_case
from tests.hwsim.factories import PlatformPresetFactory

FAST = {
    "OUTBOX_DELIVER_INTERVAL_S": "1",
    "OUTBOX_RETRY_BASE_S": "2",
    "HWSIM_JOB_HEARTBEAT_S": "0.5",
    "HWSIM_JOB_STALE_S": "3",
    "HWSIM_JOB_SWEEP_INTERVAL_S": "1",
}


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    with real_broker(tmp_path) as broker:
        yield broker


def _sent(mail_dir: Path) -> list[str]:
    return [p.read_text(errors="replace") for p in sorted(mail_dir.glob("*.log"))] if mail_dir.exists() else []


@pytest.mark.django_db(transaction=True)
def test_work_queued_while_the_broker_is_down_runs_once_when_it_is_back(
    world: Any, broker: Broker, settings: Any, tmp_path: Path, capsys: Any
) -> None:
    settings.OUTBOX_RETRY_BASE_S = 1  # rows written here are due for the deliverer a second after their failure
    lab = world.b  # the lab API answers only in a verification-lab tenant; the case and its email are in A
    Tenant.objects.filter(pk=lab.pk).update(kind=TenantKind.VERIFICATION_LAB)
    PlatformPresetFactory(tenant=lab, key="ws32-7nm")
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    api = APIClient()
    api.force_authenticate(world.b_reviewer)  # office reviewer = lab staff

    with broker_down(broker):
        response = api.post(
            f"/api/v1/t/{lab.slug}/lab/requests/",
            {
                "title": "broker down",
                "platforms": ["ws32-7nm"],
                "workloads": [{"key": "resnet18", "batch": 2}],
                "scenarios": ["SingleStream"],
                "seed": 1,
                "quick": True,
            },
            format="json",
        )
        with tenant_scope(world.a):
            case_services.transition_case(case, "submit", world.applicant)
    down_at = time.monotonic()
    assert response.status_code == 201, response.content
    with tenant_scope(lab):
        job = VerificationJob.objects.get(request_id=response.json()["id"])
    assert job.state == "queued"
    rows = list(OutboxMessage.objects.order_by("pk"))
    assert [r.task for r in rows] == ["hwsim.tasks.run_verification_job", "cases.tasks.notify_case_transition"]
    assert all(r.published_at is None and r.done_at is None and r.last_error.startswith("publish: ") for r in rows)

    mail_dir = tmp_path / "mail"
    env = {
        **FAST,
        **broker.env,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    with celery_processes(tmp_path, env) as start:  # the broker is back
        start("worker")
        start("beat")
        back_at = time.monotonic()
        with tenant_scope(lab):
            done = wait_for(lambda: VerificationJob.objects.get(pk=job.pk).state == "succeeded", timeout=60)
        assert done, (tmp_path / "worker-1.log").read_text(errors="replace")[-3000:]
        assert wait_for(lambda: _sent(mail_dir), timeout=30)
        assert wait_for(lambda: OutboxMessage.objects.filter(done_at__isnull=True).count() == 0, timeout=10)
        ran_at = time.monotonic()
        time.sleep(3)  # further deliverer ticks: nothing is published or sent again
    with tenant_scope(lab):
        job.refresh_from_db()
        ct = ContentType.objects.get_for_model(VerificationJob)
        log = list(
            ActivityLog.objects.filter(content_type=ct, object_id=job.pk)
            .exclude(field_name="")
            .order_by("pk")
            .values_list("action", flat=True)
        )
    assert (job.state, job.attempt, log) == ("succeeded", 1, ["start", "succeed"])
    mails = _sent(mail_dir)
    assert len(mails) == 2 and all(case.reference in m for m in mails)  # the applicant's and the office's email
    for row in OutboxMessage.objects.order_by("pk"):
        assert row.attempts >= 2 and row.started_at and row.done_at and row.failures == 0
    with capsys.disabled():
        print(
            f"\n[broker down at submit] job and email ran {ran_at - back_at:.1f} s after worker and beat "
            f"were up ({ran_at - down_at:.1f} s after submit)"
        )
