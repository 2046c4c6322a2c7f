"""Design-space exploration engine: enumeration, chunking, Pareto fronts against the brute-force definition."""

import json
import random

import pytest

from hwsim.engine import dse, packaging
from hwsim.engine.pareto import brute_force_front, dominates, pareto_front

SWEEP = {
    "workload": "resnet18",
    "batch": 4,
    "scenario": "Offline",
    "shapes": [[32, 32], [16, 16], [16, 64]],
    "dataflows": ["ws", "os"],
    "sram_kib": [64, 16],
    "clock_ghz": [1.0],
    "chiplets": [1, 2, 3],
    "partitioning": ["replicate", "split"],
    "nodes": [7, 28],
    "packages": ["os", "si"],
}


def spec(**overrides):
    return dse.parse_sweep(SWEEP | overrides)


def test_size_order_and_index_decoding_round_trip():
    s = spec()
    assert s.size == 3 * 2 * 2 * 1 * 3 * 2 * 2 * 2
    assert s.shapes == ((16, 16), (16, 64), (32, 32))  # canonical order, whatever the input order
    assert s.dataflows == ("os", "ws") and s.sram_kib == (16, 64)
    first, second, last = dse.config_at(s, 0), dse.config_at(s, 1), dse.config_at(s, s.size - 1)
    assert (first.rows, first.cols, first.package, first.node_nm) == (16, 16, "os", 7)
    assert second.package == "si" and second.node_nm == 7  # packages vary fastest
    assert (last.rows, last.cols, last.dataflow, last.chiplets, last.package) == (32, 32, "ws", 3, "si")
    seen = {tuple(dse.config_at(s, i).to_dict().items()) for i in range(s.size)}
    assert len(seen) == s.size
    with pytest.raises(IndexError):
        dse.config_at(s, s.size)
    assert dse.parse_sweep(json.loads(json.dumps(s.to_dict()))) == s


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"shapes": []}, "shapes"),
        ({"shapes": [[0, 4]]}, "shapes"),
        ({"dataflows": ["xs"]}, "dataflows"),
        ({"nodes": [6]}, "nodes"),
        ({"packages": ["os", "os"]}, "packages"),
        ({"workload": "vgg"}, "workload"),
        ({"scenario": "Batch"}, "scenario"),
        ({"clock_ghz": [float("nan")]}, "clock_ghz"),
        ({"chiplets": [True]}, "chiplets"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_sweeps_name_the_field(overrides, field):
    with pytest.raises(dse.SweepError) as info:
        spec(**overrides)
    assert info.value.field == field


def test_size_limit():
    with pytest.raises(dse.SweepError) as info:
        dse.parse_sweep(SWEEP, max_configs=10)
    assert info.value.field == "size"


def test_infeasible_reasons():
    s = spec()
    points = dse.evaluate_range(s, 0, s.size)
    by_reason = {}
    for p in points:
        by_reason.setdefault(p["reason"], []).append(dse.config_at(s, p["index"]))
    assert all(c.partitioning == "split" and c.chiplets == 1 for c in by_reason["duplicate"])
    assert all(c.partitioning == "split" and c.cols % c.chiplets for c in by_reason["indivisible"])
    assert all(p["feasible"] == (p["reason"] == "") for p in points)


def test_split_halves_the_array_and_replicate_doubles_it():
    s = spec(chiplets=[2], shapes=[[32, 32]], packages=["si"], nodes=[7], dataflows=["ws"], sram_kib=[64])
    rep, split = (dse.config_at(s, i) for i in range(2))
    assert (rep.partitioning, rep.chiplet_cols, split.partitioning, split.chiplet_cols) == (
        "replicate",
        32,
        "split",
        16,
    )
    a, b = dse.evaluate_range(s, 0, 2)
    assert a["throughput"] > b["throughput"] and a["area_mm2"] > b["area_mm2"]


def test_cost_is_chiplet_actuary_system_cost():
    """Unit cost = packaging.system_cost of n copies of the chiplet at the node, NRE over the volume."""
    s = spec(volume=50_000)
    ev = dse.Evaluator(s)
    point = next(
        p for p in dse.evaluate_range(s, 0, s.size, ev) if p["feasible"] and dse.config_at(s, p["index"]).chiplets == 3
    )
    cfg = dse.config_at(s, point["index"])
    area, d2d = ev.area_mm2(cfg)
    expected = packaging.system_cost(packaging.ChipSpec(cfg.node_nm, area, 3, d2d), cfg.package, 50_000)
    assert point["unit_cost_usd"] == expected.total_per_unit_usd
    assert point["nre_per_unit_usd"] == expected.nre.total_usd / 50_000


def test_result_independent_of_chunking():
    s = spec()
    whole = dse.evaluate_range(s, 0, s.size)
    for size in (1, 7, 50, s.size):
        chunks = [dse.evaluate_range(s, a, b) for a, b in dse.chunk_ranges(s.size, size)]
        random.Random(size).shuffle(chunks)  # chunks finish in any order on several workers
        merged = [p for chunk in chunks for p in chunk]
        assert sorted(merged, key=lambda p: p["index"]) == whole
        assert dse.fronts(merged) == dse.fronts(whole)
    assert dse.chunk_ranges(10, 4) == [(0, 4), (4, 8), (8, 10)]


@pytest.mark.parametrize("scenario", ["SingleStream", "MultiStream", "Server", "Offline"])
def test_front_equals_brute_force_on_a_real_sweep(scenario):
    s = spec(scenario=scenario)
    points = [p for p in dse.evaluate_range(s, 0, s.size) if p["feasible"]]
    assert points
    got = dse.fronts(points)
    for name, key in (("cost", "unit_cost_usd"), ("energy", "energy_j")):
        brute = brute_force_front([(p["throughput"], p[key]) for p in points])
        assert got[name] == [points[i]["index"] for i in brute]
        assert got[name]


def test_server_bound_too_tight_is_infeasible():
    s = spec(scenario="Server", latency_bound_s=1e-6)
    assert {p["reason"] for p in dse.evaluate_range(s, 0, s.size)} <= {"latency_bound", "duplicate", "indivisible"}


def test_pareto_front_matches_brute_force_with_ties():
    rng = random.Random(12)
    for _ in range(200):
        n = rng.randint(0, 40)
        pts = [(float(rng.randint(0, 6)), float(rng.randint(0, 6))) for _ in range(n)]  # many ties
        assert pareto_front(pts) == brute_force_front(pts)
    assert pareto_front([(1.0, 1.0), (1.0, 1.0), (0.5, 2.0)]) == [0, 1]
    assert dominates((2.0, 1.0), (1.0, 1.0)) and not dominates((1.0, 1.0), (1.0, 1.0))
    with pytest.raises(ValueError):
        pareto_front([(float("inf"), 1.0)])


def test_pack_round_trips_through_json():
    s = spec()
    points = dse.evaluate_range(s, 0, 30)
    assert [dse.unpack(row) for row in json.loads(json.dumps([dse.pack(p) for p in points]))] == points


def test_area_model_reproduces_the_tpu_v1_floorplan():
    """Jouppi et al., ISCA 2017: the 256×256 MAC unit (24 %) and 24 MiB buffer (29 %) of a ≤ 331 mm² 28 nm die."""
    s = spec(
        shapes=[[256, 256]], sram_kib=[8192], nodes=[28], chiplets=[1], packages=["os"], partitioning=["replicate"]
    )
    area, d2d = dse.chiplet_area_mm2(dse.config_at(s, 0))
    assert area == pytest.approx(0.53 * 331 + dse.FIXED_AREA_MM2) and d2d == 0.0
    two = spec(shapes=[[256, 256]], sram_kib=[8192], nodes=[28], chiplets=[2], packages=["os"], partitioning=["split"])
    area2, d2d2 = dse.chiplet_area_mm2(dse.config_at(two, 1))  # half the array per chiplet, plus its D2D PHY
    assert d2d2 == pytest.approx(0.1 * (area2 - d2d2))


@pytest.mark.parametrize("scenario", ["SingleStream", "MultiStream", "Offline"])
def test_scenario_metrics_follow_the_simulated_network(scenario):
    from hwsim.engine.config import AcceleratorConfig
    from hwsim.engine.platform import Platform, simulate_network

    s = spec(scenario=scenario, batch=4, shapes=[[32, 32]], dataflows=["ws"], sram_kib=[64], chiplets=[2])
    ev = dse.Evaluator(s)
    cfg = dse.config_at(s, 0)
    b = {"SingleStream": 1, "MultiStream": 4, "Offline": 4}[scenario]
    acc = AcceleratorConfig(
        rows=32, cols=32, dataflow="ws", ifmap_sram_kib=64, filter_sram_kib=64, ofmap_sram_kib=64, bandwidth_gbps=64.0
    )
    net = simulate_network(Platform(acc, 2), ev.layers, b)
    latency, throughput, energy = ev.performance(cfg)
    queries = {"SingleStream": 1, "MultiStream": 2, "Offline": 1}[scenario]
    samples = {"SingleStream": 1, "MultiStream": 8, "Offline": 4}[scenario]
    assert latency == pytest.approx(queries * net.latency_s)
    assert throughput == pytest.approx(samples / latency)
    assert energy == pytest.approx(queries * ev.energy_j(net, cfg.node_nm) / samples)
