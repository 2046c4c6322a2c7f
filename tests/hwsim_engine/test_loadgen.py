"""MLPerf-style scenarios in virtual time (hwsim.engine.loadgen).

Expected values: exact arithmetic for constant/affine devices (virtual time is integer ns);
queueing theory for Server (Pollaczek–Khinchine for M/D/1, 1/(mu - lambda) for M/M/1); MLPerf rules
(inference_policies inference_rules.adoc) and LoadGen mlperf.conf for the constants.
"""

import inspect
import math

import pytest

from hwsim.engine import early_stopping as es
from hwsim.engine import loadgen as lg

SMALL = {"min_duration_s": 0.0, "min_query_count": 20_000}


# ----------------------------------------------------------------------------------- constants
def test_rule_constants():
    # rules "Scenarios" table: 600 s, Offline >= 24,576 samples, MultiStream 8 samples/query, p90/p99.
    assert lg.MIN_DURATION_S == 600.0
    assert lg.OFFLINE_MIN_SAMPLES == 24_576
    assert lg.MULTISTREAM_SAMPLES_PER_QUERY == 8
    assert lg.TARGET_PERCENTILE == {"SingleStream": 0.90, "MultiStream": 0.99, "Server": 0.99}
    # rules "Benchmarks" Datacenter table / mlperf.conf Server.target_latency.
    assert lg.SERVER_LATENCY_BOUND_S["resnet50"] == 0.015
    assert lg.SERVER_LATENCY_BOUND_S["retinanet"] == 0.100
    assert lg.SERVER_LATENCY_BOUND_S["bert"] == 0.130
    assert lg.SERVER_LATENCY_BOUND_S["3d-unet"] is None


def test_defaults_are_the_rules():
    def default(fn, name):
        return inspect.signature(fn).parameters[name].default

    assert default(lg.run_single_stream, "min_duration_s") == 600.0
    assert default(lg.run_single_stream, "min_query_count") == 1024
    assert default(lg.run_multi_stream, "min_query_count") == 270_336
    assert default(lg.run_multi_stream, "samples_per_query") == 8
    assert default(lg.run_server, "min_query_count") == 270_336
    assert default(lg.run_server, "min_duration_s") == 600.0
    assert default(lg.run_offline, "min_sample_count") == 24_576


# -------------------------------------------------------------------------------- SingleStream
def test_single_stream_constant_device_exact():
    r = lg.run_single_stream(lg.ConstantDevice(0.002), min_duration_s=1.0, min_query_count=100)
    # Query k is issued at 2k ms; issuing continues until a query is issued at >= 1 s: k = 0..500.
    assert r.query_count == 501
    assert r.valid and r.reasons == []
    assert r.metric_name == "p90 early-stopping latency estimate"
    assert r.metric_value == 0.002
    assert r.early_stopping_estimate_s == 0.002
    assert r.percentiles == {"50": 0.002, "90": 0.002, "95": 0.002, "97": 0.002, "99": 0.002, "99.9": 0.002}
    assert r.mean_latency_s == 0.002
    assert r.qps == 500.0  # (n - 1) / last issue time = 500 / 1.0 s (LoadGen results.cc)
    assert r.duration_s == 1.002


def test_single_stream_default_run_is_valid():
    r = lg.run_single_stream(lg.ConstantDevice(0.01))  # 600 s / 10 ms -> 60,001 queries
    assert r.valid and r.query_count == 60_001 and r.metric_value == 0.01


def test_single_stream_too_short_is_invalid_with_reasons():
    r = lg.run_single_stream(lg.ConstantDevice(0.002), max_query_count=50)
    assert not r.valid
    assert r.reasons == [
        "min duration not met: last query issued at 0.098 s < 600 s",
        "min queries not met: 50 < 1024",
        "early stopping: not enough queries (50 < 64)",  # 64 = h_min(1, p90) + 1, see test_early_stopping
    ]
    assert r.early_stopping_estimate_s is None and r.metric_name == "p90 latency"


def test_single_stream_estimate_uses_early_stopping_index():
    # Latencies 1, 2, ..., 1024 ms from a device with a counter; estimate = sorted[n - t], t = 80
    # (exact binomial value for n = 1024, p90 in test_early_stopping).
    class Ramp:
        deterministic = False

        def __init__(self):
            self.k = 0

        def service_time_s(self, n):
            self.k += 1
            return self.k / 1000

    r = lg.run_single_stream(Ramp(), min_duration_s=0.0, min_query_count=1024)
    assert r.query_count == 1024
    assert r.early_stopping_estimate_s == 0.945  # sorted index 944 -> 945 ms
    assert r.percentiles["90"] == 0.922  # plain p90: index int(1024 * 0.9) = 921 -> 922 ms


# --------------------------------------------------------------------------------- MultiStream
def test_multi_stream_affine_device_exact():
    dev = lg.AffineDevice(0.001, 0.0005)  # 8 samples in one batch: 1 + 8 * 0.5 = 5 ms
    r = lg.run_multi_stream(dev, min_duration_s=0.0, min_query_count=1000)
    assert r.query_count == 1000 and r.sample_count == 8000
    assert r.metric_name == "p99 early-stopping latency estimate"
    assert r.metric_value == 0.005 and r.valid
    r2 = lg.run_multi_stream(dev, max_batch=4, min_duration_s=0.0, min_query_count=1000)
    assert r2.metric_value == 0.006  # two batches of 4: 2 * (1 + 4 * 0.5) ms


def test_multi_stream_needs_662_queries():
    r = lg.run_multi_stream(lg.ConstantDevice(0.001), min_duration_s=0.0, min_query_count=661)
    assert "early stopping: not enough queries (661 < 662)" in r.reasons


# -------------------------------------------------------------------------------------- Server
def _md1_mean(s, rho):
    """Pollaczek–Khinchine mean sojourn time of M/D/1: S + rho*S / (2 (1 - rho))."""
    return s + rho * s / (2 * (1 - rho))


@pytest.mark.parametrize("rho,tol", [(0.5, 0.005), (0.7, 0.015)])
def test_server_md1_mean_sojourn(rho, tol):
    s = 0.001
    r = lg.run_server(
        lg.ConstantDevice(s),
        target_qps=rho / s,
        latency_bound_s=0.015,
        seed=7,
        min_duration_s=0.0,
        min_query_count=200_000,
    )
    assert r.mean_latency_s == pytest.approx(_md1_mean(s, rho), rel=tol)
    assert r.min_latency_s == s


def test_server_mm1_mean_sojourn():
    s, rho = 0.001, 0.5
    r = lg.run_server(
        lg.ExponentialDevice(s, seed=3),
        target_qps=rho / s,
        latency_bound_s=0.1,
        seed=7,
        min_duration_s=0.0,
        min_query_count=200_000,
    )
    assert r.mean_latency_s == pytest.approx(s / (1 - rho), rel=0.015)  # M/M/1: 1 / (mu - lambda)


def test_server_default_run_resnet50_valid():
    r = lg.run_server(lg.ConstantDevice(0.002), target_qps=300, benchmark="resnet50", seed=1)
    assert r.query_count == 270_336  # count binds: 300 qps * 600 s = 180,000 < 270,336
    assert r.valid and r.reasons == []
    assert r.latency_bound_s == 0.015
    assert r.metric_name == "scheduled samples per second"
    assert r.metric_value == pytest.approx(300, rel=0.01)
    assert r.mean_latency_s == pytest.approx(_md1_mean(0.002, 0.6), rel=0.01)
    assert r.early_stopping_ok


def test_server_overload_invalid_with_reasons():
    r = lg.run_server(lg.ConstantDevice(0.002), target_qps=480, benchmark="resnet50", seed=1, **SMALL)
    assert not r.valid
    assert any(x.startswith("p99 latency ") and x.endswith("exceeds bound 15 ms") for x in r.reasons)
    assert any(x.startswith("early stopping: ") for x in r.reasons)
    assert r.overlatency_count > r.query_count - int(r.query_count * 0.99)


def test_server_abort_agrees_with_full_run():
    kw = dict(target_qps=480, benchmark="resnet50", seed=1, **SMALL)
    full = lg.run_server(lg.ConstantDevice(0.002), **kw)
    fast = lg.run_server(lg.ConstantDevice(0.002), abort_on_failure=True, **kw)
    assert not full.valid and not fast.valid and fast.aborted and not full.aborted
    assert fast.reasons[0].startswith("aborted early:")


def test_server_min_duration_and_queries():
    r = lg.run_server(lg.ConstantDevice(0.001), target_qps=100, benchmark="bert", seed=1, max_query_count=5000)
    assert not r.valid
    assert r.reasons[0].startswith("min duration not met: last query scheduled at ")
    assert r.reasons[1] == "min queries not met: 5000 < 270336"


def test_server_reproducible_by_seed():
    kw = dict(target_qps=400, benchmark="resnet50", **SMALL)
    a = lg.run_server(lg.ConstantDevice(0.002), seed=11, **kw)
    b = lg.run_server(lg.ConstantDevice(0.002), seed=11, **kw)
    c = lg.run_server(lg.ConstantDevice(0.002), seed=12, **kw)
    assert a == b and a.to_dict() == b.to_dict()
    assert a.percentiles != c.percentiles


def test_server_batching_raises_capacity():
    dev = lg.AffineDevice(0.001, 0.0001)  # batch-1 capacity 1/1.1 ms = 909 qps
    one = lg.run_server(dev, target_qps=2000, latency_bound_s=0.015, seed=1, **SMALL)
    eight = lg.run_server(dev, target_qps=2000, latency_bound_s=0.015, seed=1, max_batch=8, **SMALL)
    assert not one.valid and eight.valid
    assert eight.percentiles["99"] <= 0.015 < one.percentiles["99"]


def test_server_bad_input():
    dev = lg.ConstantDevice(0.001)
    with pytest.raises(ValueError):
        lg.run_server(dev, target_qps=0, benchmark="resnet50")
    with pytest.raises(ValueError):
        lg.run_server(dev, target_qps=10, benchmark="nope")
    with pytest.raises(ValueError):
        lg.run_server(dev, target_qps=10, benchmark="3d-unet")
    with pytest.raises(ValueError):
        lg.run_server(dev, target_qps=10)
    with pytest.raises(ValueError):
        lg.run_server(lambda n: 0.0, target_qps=10, latency_bound_s=0.01, **SMALL)
    with pytest.raises(ValueError):
        lg.run_server(lambda n: math.nan, target_qps=10, latency_bound_s=0.01, **SMALL)


def test_find_max_qps_brackets_and_is_deterministic():
    dev = lg.ConstantDevice(0.002)
    a = lg.find_max_qps(dev, benchmark="resnet50", seed=1, **SMALL)
    b = lg.find_max_qps(dev, benchmark="resnet50", seed=1, **SMALL)
    assert a.trials == b.trials and a.max_qps == b.max_qps
    assert a.result.valid and a.result.target_qps == a.max_qps
    invalid_above = [q for q, ok in a.trials if not ok and q > a.max_qps]
    assert invalid_above and min(invalid_above) - a.max_qps <= 0.002 * a.max_qps
    assert 1 / 0.002 * 0.5 < a.max_qps < 1 / 0.002  # between the start (rho = 0.5) and capacity


# ------------------------------------------------------------------------------------- Offline
def test_offline_throughput_exact():
    r = lg.run_offline(lg.ConstantDevice(0.010), max_batch=32, min_duration_s=1.0, min_sample_count=1000)
    # 100 batches of 32 to reach 1 s: 3200 samples / 1.0 s.
    assert (r.sample_count, r.duration_s, r.metric_value, r.valid) == (3200, 1.0, 3200.0, True)
    assert r.query_count == 1 and r.metric_unit == "samples/s"
    # p50 = sorted[int(3200 * 0.5)] = sample 1600 (0-based), in the 51st batch, done at 0.51 s.
    assert r.percentiles["50"] == 0.51 and r.min_latency_s == 0.01 and r.max_latency_s == 1.0


def test_offline_default_min_samples():
    r = lg.run_offline(lg.ConstantDevice(100.0), max_batch=4096)  # 6 batches: 24,576 samples in 600 s
    assert (r.sample_count, r.duration_s, r.valid) == (24_576, 600.0, True)
    assert r.metric_value == 24_576 / 600


def test_offline_expected_qps_like_loadgen_and_short_run_invalid():
    r = lg.run_offline(
        lg.ConstantDevice(0.010), max_batch=32, min_duration_s=1.0, min_sample_count=1000, expected_qps=1000
    )
    # LoadGen: max(min, int(1.1 * 1 s * 1000)) = 1100 samples = 35 batches (34 full + 12) -> 0.35 s.
    assert r.sample_count == 1100 and r.duration_s == 0.35
    assert r.metric_value == 1100 / 0.35
    assert r.reasons == ["min duration not met: run took 0.35 s < 1 s"]


def test_run_scenario_dispatch():
    r = lg.run_scenario("offline", lg.ConstantDevice(0.01), min_duration_s=0.1, min_sample_count=10)
    assert r.scenario == "Offline"
    with pytest.raises(ValueError):
        lg.run_scenario("Batch", lg.ConstantDevice(0.01))
    assert es.CONFIDENCE == 0.99
