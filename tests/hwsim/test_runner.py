"""hwsim.runner: spec validation, network numbers, scenarios, histograms, progress/cancel, determinism."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hwsim.engine import loadgen as lg
from hwsim.engine.config import AcceleratorConfig
from hwsim.engine.packaging import ChipSpec, package_cost
from hwsim.engine.platform import Platform, simulate_network
from hwsim.engine.topology import parse_conv_csv
from hwsim.engine.workloads import builtin_topology_text
from hwsim.runner import _NetworkDevice, run_verification, server_latencies_ns, validate_spec

pytestmark = pytest.mark.no_services  # tests/conftest.py: the PostgreSQL pass skips it

REPO = Path(__file__).resolve().parents[2]
ACC = {"rows": 32, "cols": 32, "dataflow": "os", "bandwidth_gbps": 25.0, "clock_ghz": 0.8}


def make_spec(**over) -> dict:
    spec = {
        "seed": 3,
        "quick": True,
        "platforms": [
            {
                "key": "mono",
                "name": "Monolithic",
                "accelerator": dict(ACC),
                "chiplets": 1,
                "node_nm": 7,
                "chiplet_area_mm2": 80.0,
                "package": "os",
            },
            {
                "key": "fo2",
                "name": "扇出 2-chiplet",
                "accelerator": dict(ACC, rows=16),
                "chiplets": 2,
                "link_bandwidth_gbps": 32.0,
                "link_latency_ns": 20.0,
                "node_nm": 7,
                "chiplet_area_mm2": 45.0,
                "package": "fo-chip-last",
            },
        ],
        "workloads": [{"key": "resnet18", "batch": 2, "params": {}}],
        "scenarios": ["SingleStream", "MultiStream", "Server", "Offline"],
    }
    spec.update(over)
    return spec


@pytest.fixture(scope="module")
def results() -> dict:
    return run_verification(make_spec())


def test_single_chiplet_network_equals_bare_simulate_network(results):
    layers = parse_conv_csv(builtin_topology_text("resnet18"))
    expected = simulate_network(AcceleratorConfig(**ACC), layers, 2)
    w = results["platforms"][0]["workloads"][0]
    assert w["batch"] == 2
    assert w["network"]["cycles"] == expected.cycles
    assert w["network"]["macs"] == expected.macs
    assert w["network"]["utilization"] == expected.utilization
    assert w["network"]["latency_s"] == expected.latency_s
    assert w["network"]["energy_j"] == expected.energy_j
    assert [(x["name"], x["cycles"], x["macs"], x["utilization"]) for x in w["layers"]] == [
        (x.name, x.cycles, x.macs, x.utilization) for x in expected.layers
    ]


def test_multi_chiplet_network_and_cost_use_the_platform(results):
    p = results["platforms"][1]
    layers = parse_conv_csv(builtin_topology_text("resnet18"))
    platform = Platform(AcceleratorConfig(**dict(ACC, rows=16)), 2, 32.0, 20.0)
    assert p["workloads"][0]["network"]["cycles"] == simulate_network(platform, layers, 2).cycles
    cost = package_cost(ChipSpec(7, 45.0, count=2), "fo-chip-last")
    assert p["cost"]["total_cost_usd"] == cost.total_cost_usd
    assert p["cost"]["parts"] == cost.parts.as_dict()
    assert p["cost"]["package_yield"] == cost.package_yield
    assert p["config"]["accelerator"] == AcceleratorConfig(**dict(ACC, rows=16)).to_dict()


def test_shape_quick_is_invalid_and_json_safe(results):
    text = json.dumps(results, allow_nan=False)  # finite floats only
    assert json.loads(text) == results
    assert results["quick"] is True and results["seed"] == 3
    assert len(results["summary"]) == 2 * 1 * 4
    for p in results["platforms"]:
        w = p["workloads"][0]
        assert [s["scenario"] for s in w["scenarios"]] == ["SingleStream", "MultiStream", "Server", "Offline"]
        assert w["perf_per_usd_basis"] == "offline_samples_per_s"
        assert w["perf_per_usd"] == pytest.approx(w["scenarios"][3]["value"] / p["cost"]["total_cost_usd"])
        for s in w["scenarios"]:
            assert s["valid"] is False
            assert any("quick run" in r for r in s["reasons"])
            hist = s["latency_histogram"]
            assert 1 <= len(hist["counts"]) <= 40 and len(hist["edges_s"]) == len(hist["counts"]) + 1
            assert hist["edges_s"] == sorted(hist["edges_s"])
        ss, ms, server, offline = w["scenarios"]
        assert sum(ss["latency_histogram"]["counts"]) == ss["query_count"] == 64
        assert sum(ms["latency_histogram"]["counts"]) == ms["query_count"] == 662
        assert sum(server["latency_histogram"]["counts"]) == server["query_count"] == 662
        assert sum(offline["latency_histogram"]["counts"]) == offline["sample_count"] >= 1024
        assert server["latency_bound_s"] == 0.015 and "analogy" in server["latency_bound_source"]
        assert server["max_batch"] == 2 and ms["max_batch"] == 2 and ss["max_batch"] == 1
        assert offline["latency_histogram"]["edges_s"][-1] == pytest.approx(offline["max_latency_s"])


def test_full_length_settings_would_be_valid_for_single_stream():
    spec = make_spec(quick=False, scenarios=["SingleStream"], platforms=make_spec()["platforms"][:1])
    s = run_verification(spec)["platforms"][0]["workloads"][0]["scenarios"][0]
    assert s["valid"] is True and s["reasons"] == []
    assert s["duration_s"] >= 600


@pytest.mark.parametrize("max_batch", [1, 3])
def test_server_latencies_recomputed_match_loadgen(max_batch):
    layers = parse_conv_csv(builtin_topology_text("mobilenet_v1"))
    dev = _NetworkDevice(Platform(AcceleratorConfig(**ACC)), layers)
    qps = 0.8 / dev.service_time_s(1)
    r = lg.run_server(
        dev,
        target_qps=qps,
        latency_bound_s=0.05,
        seed=11,
        max_batch=max_batch,
        min_duration_s=0.0,
        min_query_count=2000,
    )
    lat = server_latencies_ns(dev, r.query_count, qps, 11, max_batch)
    n = len(lat)
    assert {k: lat[int(n * float(k) / 100)] / 1e9 for k in r.percentiles} == r.percentiles
    assert sum(lat) / n / 1e9 == pytest.approx(r.mean_latency_s, rel=1e-12)


def test_deterministic():
    spec = make_spec(platforms=make_spec()["platforms"][:1], scenarios=["Server", "Offline"])
    assert json.dumps(run_verification(spec)) == json.dumps(run_verification(copy.deepcopy(spec)))


def test_progress_is_monotonic_and_ends_at_one():
    calls: list[tuple[float, str]] = []
    run_verification(make_spec(scenarios=["SingleStream", "Offline"]), lambda f, m: calls.append((f, m)))
    fractions = [f for f, _ in calls]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert len(calls) == 1 + 2 * (1 + 1 * (1 + 2))  # start + per platform: cost, network, 2 scenarios
    assert all(isinstance(m, str) and m for _, m in calls)


def test_raising_progress_stops_the_run():
    class Cancelled(Exception):
        pass

    seen = []

    def progress(fraction, message):
        seen.append(fraction)
        if len(seen) == 3:
            raise Cancelled

    with pytest.raises(Cancelled):
        run_verification(make_spec(), progress)
    assert len(seen) == 3


def test_perf_per_usd_without_offline_uses_inverse_latency():
    spec = make_spec(platforms=make_spec()["platforms"][:1], scenarios=["SingleStream"])
    w = run_verification(spec)["platforms"][0]["workloads"][0]
    layers = parse_conv_csv(builtin_topology_text("resnet18"))
    latency1 = simulate_network(AcceleratorConfig(**ACC), layers, 1).latency_s
    cost = package_cost(ChipSpec(7, 80.0), "os").total_cost_usd
    assert w["perf_per_usd_basis"] == "inverse_latency_per_s"
    assert w["perf_per_usd"] == pytest.approx(1 / latency1 / cost)


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda s: s["workloads"][0].update(key="alexnet"), "alexnet"),
        (lambda s: s["platforms"][0]["accelerator"].update(array_size=8), "array_size"),
        (lambda s: s["platforms"][0].update(colour="red"), "colour"),
        (lambda s: s["workloads"][0].update(repeat=2), "repeat"),
        (lambda s: s.update(title="x"), "title"),
        (lambda s: s.update(scenarios=["Streaming"]), "Streaming"),
        (lambda s: s["workloads"][0].update(key="bert_large", params={"heads": 4}), "heads"),
        (lambda s: s["platforms"][0].update(node_nm=6), "node"),
        (lambda s: s["platforms"][0].update(package="cowos"), "cowos"),
        (lambda s: s["platforms"][0]["accelerator"].update(dataflow="rs"), "dataflow"),
        (lambda s: s["platforms"][1].update(key="mono"), "duplicate"),
        (lambda s: s["workloads"][0].update(batch=0), "batch"),
        (lambda s: s["platforms"][0]["accelerator"].pop("rows"), "rows"),
    ],
)
def test_invalid_spec_raises_value_error_naming_the_key(mutate, needle):
    spec = make_spec()
    mutate(spec)
    with pytest.raises(ValueError, match=needle):
        run_verification(spec, lambda f, m: pytest.fail("no work may start on an invalid spec"))


def test_validate_spec_fills_defaults():
    spec = make_spec()
    del spec["seed"], spec["quick"], spec["platforms"][0]["chiplets"], spec["platforms"][0]["package"]
    norm = validate_spec(spec)
    assert norm["seed"] == 0 and norm["quick"] is False
    assert norm["platforms"][0]["chiplets"] == 1 and norm["platforms"][0]["package"] == "os"
    assert norm["platforms"][0]["link_bandwidth_gbps"] == 64.0
    assert norm["workloads"][0]["params"] == {}


def test_runner_and_charts_do_not_import_django():
    code = (
        "import sys, hwsim.runner, hwsim.charts\n"
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
