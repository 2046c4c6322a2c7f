"""A design-space sweep on two real Celery worker processes (filesystem broker, or Redis when configured).

The chunks are shared out by the broker between both workers; the stored points and fronts equal those of
one in-process run (the result does not depend on the number of workers). A publication lost while the broker
is down is re-delivered by the outbox (beat), and the sweep still ends exactly once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hwsim import dse_services
from hwsim.engine import dse
from hwsim.enums import JobState
from hwsim.models import DseRequest
from platform_site.activity import history
from platform_site.models import OutboxMessage
from platform_site.tenancy import tenant_scope
from tests.celery_processes import Broker, CeleryProcess, broker_down, celery_processes, real_broker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

FAST = {"OUTBOX_DELIVER_INTERVAL_S": "1", "OUTBOX_RETRY_BASE_S": "1"}
SWEEP = {
    "workload": "resnet50_v1_5",
    "batch": 4,
    "scenario": "Offline",
    "shapes": [[16, 16], [32, 32], [64, 64]],
    "dataflows": ["os", "ws", "is"],
    "sram_kib": [32, 128],
    "clock_ghz": [0.8, 1.2],
    "chiplets": [1, 2, 4],
    "partitioning": ["replicate"],
    "nodes": [7, 28],
    "packages": ["os", "si"],
}


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    with real_broker(tmp_path) as broker:
        yield broker


@pytest.fixture
def start(tmp_path: Path, broker: Broker) -> Iterator[Callable[[str], CeleryProcess]]:
    with celery_processes(tmp_path, {**FAST, **broker.env}) as start:
        yield start


def _create(lab: Any, chunk_size: int) -> DseRequest:
    with tenant_scope(lab.a):  # autocommit: the outbox row commits and is published right away
        return dse_services.create_sweep(
            lab.engineer, title="two workers", spec=dse.parse_sweep(SWEEP), chunk_size=chunk_size
        )


def _ended(lab: Any, pk: int) -> DseRequest | None:
    with tenant_scope(lab.a):
        sweep = DseRequest.objects.get(pk=pk)
    return sweep if sweep.is_terminal else None


def _expected() -> dict[str, Any]:
    spec = dse.parse_sweep(SWEEP)
    return dse_services.summarise(spec, list(dse.iter_points(spec)))


def test_two_workers_share_the_chunks_and_give_the_one_process_result(
    lab: Any, start: Callable[[str], CeleryProcess]
) -> None:
    workers = [start("worker"), start("worker")]
    sweep = _create(lab, chunk_size=18)
    done = wait_for(lambda: _ended(lab, sweep.pk), timeout=120)
    assert done is not None, workers[0].text()[-2000:] + workers[1].text()[-2000:]
    assert (done.state, done.n_chunks, done.chunks_done) == (JobState.SUCCEEDED, 24, 24)
    assert done.results == _expected()
    received = [len(re.findall(r"hwsim\.dse_tasks\.run_chunk\[outbox-\d+\] received", w.text())) for w in workers]
    assert sum(received) == 24 and min(received) >= 1, received  # both workers computed chunks
    with tenant_scope(lab.a):
        assert [e.action for e in history(done)].count("succeed") == 1


def test_chunks_lost_while_the_broker_was_down_are_redelivered_by_the_outbox(
    lab: Any, broker: Broker, start: Callable[[str], CeleryProcess]
) -> None:
    with tenant_scope(lab.a), broker_down(broker):  # the start message's publication fails: the row stays
        sweep = dse_services.create_sweep(lab.engineer, title="outbox", spec=dse.parse_sweep(SWEEP), chunk_size=200)
    with tenant_scope(lab.a):
        assert OutboxMessage.objects.get(task="hwsim.dse_tasks.start_sweep").done_at is None
        assert DseRequest.objects.get(pk=sweep.pk).state == JobState.QUEUED
    start("worker")
    start("beat")  # deliver_outbox re-publishes the start; the chunks follow
    done = wait_for(lambda: _ended(lab, sweep.pk), timeout=120)
    assert done is not None and done.state == JobState.SUCCEEDED
    assert done.results == _expected()
    with tenant_scope(lab.a):
        start_row = OutboxMessage.objects.get(task="hwsim.dse_tasks.start_sweep")
    assert start_row.attempts >= 2 and start_row.done_at is not None
