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

from hwsim.dse import services as dse_services
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
    with celery_processes(tmp_path, {**FAST, **broker.env}, kill_on_exit=True) as start:
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
    # Small chunks (108 of 4 configurations) keep the run longer than an idle worker's broker poll, so both get some.
    sweep = _create(lab, chunk_size=4)
    done = wait_for(lambda: _ended(lab, sweep.pk), timeout=120)
    assert done is not None, workers[0].text()[-2000:] + workers[1].text()[-2000:]
    assert (done.state, done.n_chunks, done.chunks_done) == (JobState.SUCCEEDED, 108, 108)
    assert done.results == _expected()
    received = [len(re.findall(r"hwsim\.dse\.tasks\.run_chunk\[outbox-\d+\] received", w.text())) for w in workers]
    assert sum(received) == 108 and min(received) >= 1, received  # both workers computed chunks
    with tenant_scope(lab.a):
        assert [e.action for e in history(done)].count("succeed") == 1


def test_chunks_lost_while_the_broker_was_down_are_redelivered_by_the_outbox(
    lab: Any, broker: Broker, start: Callable[[str], CeleryProcess], settings: Any
) -> None:
    # The failed publication below (this process) sets the row's next attempt retry_delay(1) ahead: 1 s, as the
    # subprocesses' FAST, not the default 30 s the beat would otherwise sit out (as in tests/test_faults.py).
    settings.OUTBOX_RETRY_BASE_S = 1
    with tenant_scope(lab.a), broker_down(broker):  # the start message's publication fails: the row stays
        sweep = dse_services.create_sweep(lab.engineer, title="outbox", spec=dse.parse_sweep(SWEEP), chunk_size=200)
    with tenant_scope(lab.a):
        assert OutboxMessage.objects.get(task="hwsim.dse.tasks.start_sweep").done_at is None
        assert DseRequest.objects.get(pk=sweep.pk).state == JobState.QUEUED
    start("worker")
    start("beat")  # deliver_outbox re-publishes the start; the chunks follow
    done = wait_for(lambda: _ended(lab, sweep.pk), timeout=120)
    assert done is not None and done.state == JobState.SUCCEEDED
    assert done.results == _expected()
    with tenant_scope(lab.a):
        start_row = OutboxMessage.objects.get(task="hwsim.dse.tasks.start_sweep")
    assert start_row.attempts >= 2 and start_row.done_at is not None


HEAVY = SWEEP | {
    "shapes": [[8, 8], [16, 16], [24, 24], [32, 32], [48, 48], [64, 64], [96, 96], [128, 128], [16, 64], [64, 16]],
    "sram_kib": [16, 32, 48, 64, 96, 128, 192, 256, 384, 512],
    "clock_ghz": [0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8],
    "chiplets": [1],
    "nodes": [7],
    "packages": ["os"],
}


def test_a_chunk_of_a_killed_worker_is_redelivered_and_stored_once(lab: Any, broker: Broker, tmp_path: Path) -> None:
    """SIGKILL a worker in the middle of a chunk: the outbox re-publishes it after the chunk's time limit and
    another worker stores it; every chunk is stored once and the fronts equal the one-process result."""
    spec = dse.parse_sweep(HEAVY)  # 2,100 distinct ResNet-50 networks: about a second or more per chunk
    env = {**FAST, **broker.env, "HWSIM_DSE_CHUNK_TIME_LIMIT_S": "8", "CELERY_VISIBILITY_TIMEOUT": "3"}
    with celery_processes(tmp_path, env) as start:
        first = start("worker")
        start("beat")
        with tenant_scope(lab.a):
            sweep = dse_services.create_sweep(lab.engineer, title="kill", spec=spec, chunk_size=700)

        def chunk_running() -> bool:
            rows = OutboxMessage.objects.filter(task="hwsim.dse.tasks.run_chunk", done_at__isnull=True)
            return rows.filter(started_at__isnull=False).exists()

        assert wait_for(chunk_running, timeout=60), first.text()[-3000:]
        first.kill()
        assert _ended(lab, sweep.pk) is None
        second = start("worker")
        done = wait_for(lambda: _ended(lab, sweep.pk), timeout=120)
        assert done is not None, second.text()[-3000:]
    assert (done.state, done.chunks_done) == (JobState.SUCCEEDED, 3)
    assert done.results == dse_services.summarise(spec, list(dse.iter_points(spec)))
    with tenant_scope(lab.a):
        assert sorted(done.chunks.values_list("index", flat=True)) == [0, 1, 2]
        assert [e.action for e in history(done)].count("succeed") == 1
    attempts = OutboxMessage.objects.filter(task="hwsim.dse.tasks.run_chunk").values_list("attempts", flat=True)
    if broker.folder is not None:  # the filesystem broker lost the fetched message: the outbox sent it again
        assert max(attempts) >= 2, list(attempts)
