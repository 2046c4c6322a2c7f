"""Writes of design-space exploration: create a sweep, run its chunks, finish it, cancel it, verify a point.

How a sweep runs on however many Celery workers there are (issue 12 C) — chunk tasks and a finaliser check,
not a Celery ``chord``: a chord needs a result backend and its header results live only there, so a worker
killed mid-chord or a message re-delivered by the outbox (:mod:`platform_site.outbox`, at least once) would
lose or repeat the callback. Instead every step is a durable outbox message and every step is idempotent:

1. :func:`create_sweep` stores the :class:`~hwsim.models.DseRequest` (queued) and queues
   :func:`hwsim.dse.tasks.start_sweep` on commit.
2. :func:`start_sweep` takes ``start`` and, **in the same transaction**, queues one
   :func:`hwsim.dse.tasks.run_chunk` per chunk (``chunk_size`` consecutive configuration indices). A
   redelivered start finds the sweep running and does nothing; the chunk messages are already in the outbox.
3. :func:`run_chunk` computes its index range (:func:`hwsim.engine.dse.evaluate_range`, deterministic) and
   inserts one :class:`~hwsim.models.DseChunk` row; the unique (request, index) constraint and
   ``ignore_conflicts`` make a chunk run twice — a killed worker's message re-published, two workers racing —
   store exactly one row with the same values. A chunk already stored is not recomputed.
4. After storing, each chunk task calls :func:`finish_if_complete`: under the sweep's row lock it counts the
   stored chunks and, when all are there, computes the fronts from the stored rows and takes ``succeed``. The
   last chunk to commit finishes the sweep; a re-delivered chunk of a finished sweep changes nothing. A worker
   killed between storing and finishing is covered by the re-delivery of its message (it finds its chunk
   stored, skips the computation, and runs the check).

So the stored points and the fronts are the same whatever the number of workers or the order the chunks run
in. Progress (``chunks_done``) is the number of stored chunks. A chunk whose computation raises fails the sweep
(a deterministic engine error would fail again on every retry).
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from hwsim.engine import dse
from hwsim.enums import JobState
from hwsim.models import DseChunk, DseRequest, PlatformPreset, RequestPlatform, VerificationRequest
from platform_site.activity import log_event
from platform_site.actors import SYSTEM
from platform_site.enums import ActivityAction
from platform_site.queueing import enqueue_on_commit
from platform_site.rules import can
from platform_site.transitions import run_transition

logger = logging.getLogger(__name__)

#: Most configurations one portal sweep may have (the engine allows more; 40 chunks of 500).
MAX_PORTAL_CONFIGS = 20_000


def create_sweep(user: Any, *, title: str, spec: dse.SweepSpec, chunk_size: int = dse.DEFAULT_CHUNK_SIZE) -> DseRequest:
    """Store a sweep (queued) and queue its start on commit; logs ``created``. PermissionDenied unless lab staff."""
    from hwsim.dse import tasks as dse_tasks

    if not can(user, "hwsim.create_dse"):
        raise PermissionDenied
    chunks = dse.chunk_ranges(spec.size, chunk_size)
    with transaction.atomic():
        sweep = DseRequest.objects.create(
            title=title,
            requester=user,
            spec=spec.to_dict(),
            size=spec.size,
            chunk_size=chunk_size,
            n_chunks=len(chunks),
        )
        log_event(sweep, ActivityAction.CREATED, user, data={"title": title, "size": spec.size})
        enqueue_on_commit(dse_tasks.start_sweep, tenant_id=sweep.tenant_id, request_id=sweep.pk)
    return sweep


def sweep_spec(sweep: DseRequest) -> dse.SweepSpec:
    """The stored sweep as an engine spec."""
    return dse.parse_sweep(sweep.spec)


def start_sweep(request_id: int) -> bool:
    """Start a queued sweep and queue all its chunks in one transaction; False when there was nothing to do."""
    from hwsim.dse import tasks as dse_tasks

    with transaction.atomic():
        sweep = DseRequest.objects.select_for_update().filter(pk=request_id).first()
        if sweep is None or sweep.state != JobState.QUEUED:
            return False
        run_transition(sweep, "start", SYSTEM)
        for index in range(sweep.n_chunks):
            enqueue_on_commit(dse_tasks.run_chunk, tenant_id=sweep.tenant_id, request_id=sweep.pk, index=index)
    return True


def compute_chunk(sweep: DseRequest, index: int) -> DseChunk:
    """The unsaved chunk ``index`` of ``sweep`` with its rows (pure computation; ValueError for a bad index)."""
    if not 0 <= index < sweep.n_chunks:
        raise ValueError(f"chunk {index} outside 0..{sweep.n_chunks - 1}")
    start = index * sweep.chunk_size
    stop = min(start + sweep.chunk_size, sweep.size)
    rows = [dse.pack(p) for p in dse.evaluate_range(sweep_spec(sweep), start, stop)]
    return DseChunk(tenant_id=sweep.tenant_id, request=sweep, index=index, start=start, stop=stop, rows=rows)


def run_chunk(request_id: int, index: int) -> str | None:
    """Compute and store chunk ``index`` of a running sweep (idempotent), then finish the sweep if complete.

    Returns the sweep's state afterwards, or None when the sweep is unknown or not running (cancelled, failed,
    finished: nothing is computed or stored).
    """
    sweep = DseRequest.objects.filter(pk=request_id).first()
    if sweep is None or sweep.state != JobState.RUNNING:
        return None
    if not DseChunk.objects.filter(request=sweep, index=index).exists():
        try:
            chunk = compute_chunk(sweep, index)
        except Exception as exc:  # a deterministic engine error: retrying would fail the same way
            logger.exception("hwsim DSE %s chunk %s failed", sweep.pk, index)
            return _fail(sweep.pk, f"{type(exc).__name__}: {exc}"[:4000])
        DseChunk.objects.bulk_create([chunk], ignore_conflicts=True)
        done = DseChunk.objects.filter(request=sweep).count()
        DseRequest.objects.filter(pk=sweep.pk, state=JobState.RUNNING, chunks_done__lt=done).update(chunks_done=done)
    return finish_if_complete(sweep.pk)


def _fail(request_id: int, error: str) -> str:
    with transaction.atomic():
        sweep = DseRequest.objects.select_for_update().get(pk=request_id)
        if sweep.state == JobState.RUNNING:
            run_transition(sweep, "fail", SYSTEM, error=error)
        return sweep.state


def stored_points(sweep: DseRequest) -> list[dict]:
    """Every stored point of the sweep in index order (one query)."""
    chunks = DseChunk.objects.filter(request=sweep).order_by("index").values_list("rows", flat=True)
    return [dse.unpack(row) for rows in chunks for row in rows]


def summarise(spec: dse.SweepSpec, points: list[dict]) -> dict[str, Any]:
    """The sweep's results (shape in :class:`hwsim.models.DseRequest`): counts, fronts and the front points."""
    fronts = dse.fronts(points)
    on_front = sorted(set(fronts["cost"]) | set(fronts["energy"]))
    by_index = {p["index"]: p for p in points}
    return {
        "size": spec.size,
        "feasible": sum(1 for p in points if p["feasible"]),
        "reasons": dict(sorted(Counter(p["reason"] for p in points if not p["feasible"]).items())),
        "fronts": fronts,
        "points": {str(i): by_index[i] for i in on_front},
    }


def finish_if_complete(request_id: int) -> str:
    """Under the sweep's row lock: when every chunk is stored, compute the fronts and take ``succeed``."""
    with transaction.atomic():
        sweep = DseRequest.objects.select_for_update().get(pk=request_id)
        if sweep.state != JobState.RUNNING:
            return sweep.state
        if DseChunk.objects.filter(request=sweep).count() < sweep.n_chunks:
            return sweep.state
        points = stored_points(sweep)
        if [p["index"] for p in points] != list(range(sweep.size)):  # a chunk of another size: never expected
            return _fail_locked(sweep, "stored chunks do not cover the sweep")
        run_transition(sweep, "succeed", SYSTEM, results=summarise(sweep_spec(sweep), points))
        return sweep.state


def _fail_locked(sweep: DseRequest, error: str) -> str:
    run_transition(sweep, "fail", SYSTEM, error=error)
    return sweep.state


def cancel_sweep(sweep: DseRequest, user: Any, comment: str = "") -> Any:
    """Cancel a queued or running sweep. PermissionDenied, or TransitionRefused (409) when it has ended."""
    return run_transition(sweep, "cancel", user, comment=comment)


def preset_key(sweep: DseRequest, index: int) -> str:
    """The platform preset key of configuration ``index`` of ``sweep`` (a SlugField)."""
    return f"dse-{sweep.pk}-{index}"


def platform_of(sweep: DseRequest, index: int) -> dict[str, Any]:
    """PlatformPreset fields of configuration ``index`` (the sweep's chiplet, count, link, node, area, package)."""
    spec = sweep_spec(sweep)
    cfg = dse.config_at(spec, index)
    area, _d2d = dse.chiplet_area_mm2(cfg)
    accelerator = {
        "rows": cfg.rows,
        "cols": cfg.chiplet_cols,
        "dataflow": cfg.dataflow,
        "ifmap_sram_kib": cfg.sram_kib,
        "filter_sram_kib": cfg.sram_kib,
        "ofmap_sram_kib": cfg.sram_kib,
        "clock_ghz": cfg.clock_ghz,
        "bandwidth_gbps": spec.bandwidth_gbps,
    }
    return {
        "accelerator": accelerator,
        "chiplets": cfg.chiplets,
        "link_bandwidth_gbps": spec.link_bandwidth_gbps,
        "link_latency_ns": spec.link_latency_ns,
        "node_nm": cfg.node_nm,
        "chiplet_area_mm2": round(area, 3),
        "package": cfg.package,
    }


def verify_point(user: Any, sweep: DseRequest, index: int, *, quick: bool = True) -> VerificationRequest:
    """Turn configuration ``index`` of a finished sweep into a verification request (queued at once).

    Creates (or reuses) the platform preset ``dse-<sweep>-<index>`` and calls
    :func:`hwsim.services.create_request` for the sweep's workload, batch and scenario. Clicking twice gives
    the request made the first time. PermissionDenied unless lab staff; ValueError for an index not on a front.
    """
    from hwsim import services

    if not (can(user, "hwsim.verify_dse_point", sweep) and can(user, "hwsim.create_request")):
        raise PermissionDenied
    if sweep.state != JobState.SUCCEEDED or str(index) not in (sweep.results or {}).get("points", {}):
        raise ValueError(_("Only a configuration on a Pareto front of a finished sweep can be verified."))
    key = preset_key(sweep, index)
    with transaction.atomic():
        DseRequest.objects.select_for_update().filter(pk=sweep.pk).values_list("pk", flat=True).get()
        existing = RequestPlatform.objects.filter(preset__key=key).select_related("request").first()
        if existing is not None:
            return existing.request
        preset, _created = PlatformPreset.objects.get_or_create(
            key=key,
            defaults={
                "name": _("%(title)s · configuration %(n)d") % {"title": sweep.title[:150], "n": index},
                "description": _("From design-space exploration “%(title)s”.") % {"title": sweep.title[:150]},
                **platform_of(sweep, index),
            },
        )
        spec = sweep.spec
        return services.create_request(
            user,
            title=preset.name,
            presets=[preset],
            workloads=[{"key": spec["workload"], "batch": spec["batch"]}],
            scenarios=[spec["scenario"]],
            quick=quick,
        )
