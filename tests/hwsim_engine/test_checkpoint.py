"""The scenarios' ``checkpoint()`` hook (cooperative cancel): called after every ``CHECK_EVERY`` simulated queries,
what it raises propagates, and it changes no result. ``run_verification`` feeds it its ``progress`` callback."""

from __future__ import annotations

import pytest

from hwsim.engine import loadgen as lg
from hwsim.engine.loadgen.rules import CHECK_EVERY
from hwsim.engine.runner import run_verification

ACC = {"rows": 32, "cols": 32, "dataflow": "os", "bandwidth_gbps": 25.0, "clock_ghz": 0.8}


class Stop(Exception):
    pass


def _counter() -> tuple[list[int], object]:
    calls: list[int] = []
    return calls, lambda: calls.append(1)


@pytest.mark.parametrize("max_batch", [1, 4])
def test_a_server_run_checks_in_every_check_every_queries_and_gives_the_same_result(max_batch: int) -> None:
    n = 2 * CHECK_EVERY + 100  # the schedule and the queue each cross two chunk boundaries
    kwargs = dict(target_qps=300, latency_bound_s=0.015, seed=1, max_batch=max_batch, min_duration_s=0.0)
    device = lg.ConstantDevice(0.002)
    plain = lg.run_server(device, min_query_count=n, max_query_count=n, **kwargs)
    calls, checkpoint = _counter()
    checked = lg.run_server(device, min_query_count=n, max_query_count=n, checkpoint=checkpoint, **kwargs)
    assert checked == plain and checked.query_count == n
    assert len(calls) == 2 + 2  # schedule: after 8,192 and 16,384 queries; queue: the same


def test_a_short_run_never_checks_in() -> None:
    calls, checkpoint = _counter()
    lg.run_server(lg.ConstantDevice(0.002), target_qps=300, benchmark="resnet50", min_duration_s=0.0,
                  min_query_count=CHECK_EVERY, checkpoint=checkpoint)  # fmt: skip
    assert calls == []


@pytest.mark.parametrize(
    "call",
    [
        lambda cp: lg.run_single_stream(
            lg.ConstantDevice(0.001), min_duration_s=0, min_query_count=10**6, checkpoint=cp
        ),
        lambda cp: lg.run_multi_stream(
            lg.ConstantDevice(0.001), min_duration_s=0, min_query_count=10**6, checkpoint=cp
        ),
        lambda cp: lg.run_offline(lg.ConstantDevice(0.001), min_duration_s=0, min_sample_count=10**6, checkpoint=cp),
        lambda cp: lg.run_server(lg.ConstantDevice(0.002), target_qps=300, benchmark="resnet50", checkpoint=cp),
        lambda cp: lg.find_max_qps(lg.ConstantDevice(0.002), benchmark="resnet50", seed=1, checkpoint=cp),
    ],
    ids=["SingleStream", "MultiStream", "Offline", "Server", "find_max_qps"],
)
def test_what_the_checkpoint_raises_stops_the_scenario_at_its_first_check(call) -> None:
    calls = []

    def checkpoint() -> None:
        calls.append(1)
        raise Stop

    with pytest.raises(Stop):
        call(checkpoint)
    assert calls == [1]


def test_a_full_server_run_repeats_the_last_progress_report_mid_search() -> None:
    """Full (not quick) run: inside the Server QPS search ``progress`` is called again with the last fraction and
    message (the unit of work before it) — the hook a cancelled job stops on."""
    spec = {
        "seed": 3,
        "quick": False,
        "platforms": [{"key": "mono", "name": "Mono", "accelerator": dict(ACC), "chiplets": 1, "node_nm": 7,
                       "chiplet_area_mm2": 80.0, "package": "os"}],
        "workloads": [{"key": "resnet18", "batch": 2, "params": {}}],
        "scenarios": ["Server"],
    }  # fmt: skip
    seen: list[tuple[float, str]] = []

    def progress(fraction: float, message: str) -> None:
        if seen and seen[-1] == (fraction, message):
            raise Stop
        seen.append((fraction, message))

    with pytest.raises(Stop):
        run_verification(spec, progress)
    assert [f for f, _ in seen] == [0.0, 1 / 3, 2 / 3]
    assert seen[-1][1].startswith("Mono · ResNet-18") and seen[-1][1].endswith(": network simulated")
