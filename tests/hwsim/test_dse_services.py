"""Design-space exploration services and tasks on the real database: chunks, idempotency, fronts, verify a point."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from hwsim.dse import services as dse_services
from hwsim.dse import tasks as dse_tasks
from hwsim.engine import dse
from hwsim.engine.pareto import brute_force_front
from hwsim.enums import JobState
from hwsim.models import DseChunk, DseRequest, PlatformPreset, VerificationJob
from platform_site.activity import history
from platform_site.models import OutboxMessage
from platform_site.tenancy import tenant_scope

SWEEP = {
    "workload": "resnet18",
    "batch": 2,
    "scenario": "Offline",
    "shapes": [[16, 16], [32, 32]],
    "dataflows": ["os", "ws"],
    "sram_kib": [64],
    "clock_ghz": [1.0],
    "chiplets": [1, 2],
    "partitioning": ["replicate", "split"],
    "nodes": [7, 28],
    "packages": ["os", "fo-chip-last", "si"],
}


def make_sweep(lab: Any, chunk_size: int = 7, **overrides: Any) -> DseRequest:
    with tenant_scope(lab.a):
        return dse_services.create_sweep(
            lab.engineer, title="邊緣推論晶片選型", spec=dse.parse_sweep(SWEEP | overrides), chunk_size=chunk_size
        )


def start(sweep: DseRequest) -> None:
    with tenant_scope(sweep.tenant):
        assert dse_services.start_sweep(sweep.pk)


def run_chunks(sweep: DseRequest, order: list[int] | None = None) -> None:
    with tenant_scope(sweep.tenant):
        for index in order if order is not None else range(sweep.n_chunks):
            dse_services.run_chunk(sweep.pk, index)


def fresh(sweep: DseRequest) -> DseRequest:
    with tenant_scope(sweep.tenant):
        return DseRequest.objects.get(pk=sweep.pk)


def stored(sweep: DseRequest) -> list[tuple]:
    with tenant_scope(sweep.tenant):
        return list(
            DseChunk.objects.filter(request=sweep).order_by("index").values_list("index", "start", "stop", "rows")
        )


def test_the_queued_tasks_run_every_chunk_and_store_fronts_equal_to_brute_force(
    lab: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sweep = make_sweep(lab)
    sweep = fresh(sweep)
    spec = dse.parse_sweep(SWEEP)
    assert (sweep.state, sweep.size, sweep.n_chunks, sweep.percent) == (JobState.SUCCEEDED, spec.size, 14, 100)
    points = [p for p in dse.evaluate_range(spec, 0, spec.size) if p["feasible"]]
    for name, key in (("cost", "unit_cost_usd"), ("energy", "energy_j")):
        brute = [points[i]["index"] for i in brute_force_front([(p["throughput"], p[key]) for p in points])]
        assert sweep.results["fronts"][name] == brute
    assert set(sweep.results["points"]) == {str(i) for f in sweep.results["fronts"].values() for i in f}
    assert sweep.results["feasible"] == len(points) and sweep.results["reasons"] == {"duplicate": 24}
    with tenant_scope(lab.a):
        assert [e.action for e in history(sweep)] == ["created", "start", "succeed"]


def test_start_is_idempotent_and_queues_each_chunk_once(lab: Any) -> None:
    sweep = make_sweep(lab)
    start(sweep)
    with tenant_scope(lab.a):
        assert dse_services.start_sweep(sweep.pk) is False  # a redelivered start message
    messages = OutboxMessage.objects.filter(task="hwsim.dse.tasks.run_chunk").order_by("pk")
    assert [m.kwargs["index"] for m in messages] == list(range(sweep.n_chunks))
    assert fresh(sweep).state == JobState.RUNNING


def test_a_chunk_run_twice_changes_nothing(lab: Any) -> None:
    sweep = make_sweep(lab)
    start(sweep)
    run_chunks(sweep, [0, 1])
    first = stored(sweep)
    run_chunks(sweep, [0, 1, 0])  # redelivered messages
    assert stored(sweep) == first and len(first) == 2
    assert fresh(sweep).chunks_done == 2 and fresh(sweep).percent == 14
    run_chunks(sweep)
    done = fresh(sweep)
    results, rows = done.results, stored(sweep)
    run_chunks(sweep)  # every chunk again after the sweep finished
    assert fresh(sweep).results == results and stored(sweep) == rows and len(rows) == sweep.n_chunks
    with tenant_scope(lab.a):
        assert [e.action for e in history(sweep)].count("succeed") == 1


def test_a_chunk_computed_twice_concurrently_stores_one_row(lab: Any) -> None:
    """Two workers racing on the same chunk: the second insert is ignored by the unique constraint."""
    sweep = make_sweep(lab)
    start(sweep)
    with tenant_scope(lab.a):
        sweep = fresh(sweep)
        a, b = dse_services.compute_chunk(sweep, 3), dse_services.compute_chunk(sweep, 3)
        DseChunk.objects.bulk_create([a], ignore_conflicts=True)
        DseChunk.objects.bulk_create([b], ignore_conflicts=True)
        assert DseChunk.objects.filter(request=sweep, index=3).count() == 1


@pytest.mark.parametrize("chunk_size", [1, 5, 13, 1000])
def test_the_result_does_not_depend_on_chunking_or_order(lab: Any, chunk_size: int) -> None:
    reference = make_sweep(lab, chunk_size=96)
    start(reference)
    run_chunks(reference)
    sweep = make_sweep(lab, chunk_size=chunk_size)
    start(sweep)
    order = list(range(sweep.n_chunks))
    random.Random(chunk_size).shuffle(order)
    run_chunks(sweep, order)
    assert fresh(sweep).state == JobState.SUCCEEDED
    assert fresh(sweep).results == fresh(reference).results
    with tenant_scope(lab.a):
        assert dse_services.stored_points(fresh(sweep)) == dse_services.stored_points(fresh(reference))


def test_a_cancelled_sweep_computes_nothing_more(lab: Any) -> None:
    sweep = make_sweep(lab)
    start(sweep)
    run_chunks(sweep, [0])
    with tenant_scope(lab.a):
        dse_services.cancel_sweep(fresh(sweep), lab.engineer)
    run_chunks(sweep)
    assert len(stored(sweep)) == 1 and fresh(sweep).state == JobState.CANCELLED


def test_only_lab_staff_create_sweeps(lab: Any) -> None:
    with tenant_scope(lab.a), pytest.raises(PermissionDenied):
        dse_services.create_sweep(lab.applicant, title="x", spec=dse.parse_sweep(SWEEP))


def test_the_tasks_ignore_an_unknown_tenant_or_sweep(lab: Any) -> None:
    assert dse_tasks.run_chunk.apply(kwargs={"tenant_id": 999_999, "request_id": 1, "index": 0}).get() is None
    assert dse_tasks.start_sweep.apply(kwargs={"tenant_id": lab.a.pk, "request_id": 999_999}).get() is False


def test_verify_a_front_point_creates_one_queued_verification_request(lab: Any) -> None:
    sweep = make_sweep(lab)
    start(sweep)
    run_chunks(sweep)
    sweep = fresh(sweep)
    index = sweep.results["fronts"]["cost"][-1]
    spec = dse.parse_sweep(SWEEP)
    cfg = dse.config_at(spec, index)
    with tenant_scope(lab.a):
        vr = dse_services.verify_point(lab.engineer, sweep, index)
        assert dse_services.verify_point(lab.engineer, sweep, index) == vr  # a second click
        preset = PlatformPreset.objects.get(key=f"dse-{sweep.pk}-{index}")
        assert preset.accelerator["rows"] == cfg.rows and preset.accelerator["cols"] == cfg.chiplet_cols
        assert (preset.chiplets, preset.node_nm, preset.package) == (cfg.chiplets, cfg.node_nm, cfg.package)
        assert preset.chiplet_area_mm2 == pytest.approx(dse.chiplet_area_mm2(cfg)[0], abs=1e-3)
        assert vr.workloads == [{"key": "resnet18", "batch": 2}] and vr.scenarios == ["Offline"]
        assert VerificationJob.objects.get(request=vr).state == JobState.QUEUED
        off_front = next(i for i in range(spec.size) if str(i) not in sweep.results["points"])
        with pytest.raises(ValueError):
            dse_services.verify_point(lab.engineer, sweep, off_front)
        with pytest.raises(PermissionDenied):
            dse_services.verify_point(lab.applicant, sweep, index)
