"""``python -m hwsim loadgen-check`` (hwsim.engine.cli_loadgen_check): real LoadGen beside hwsim.

The LoadGen runs are real time (~1 s each), so the module keeps to two of them. Needs the optional
dependency mlcommons-loadgen (in the ``dev`` extra); the missing-module path is simulated.
"""

import argparse
import json
import sys

import pytest

from hwsim.engine import SIMULATOR_VERSION, cli, cli_loadgen_check

#: Real-time sleep and thread hand-off overhead allowed on LoadGen's measured p90, seconds.
OVERHEAD_S = 1.5e-3
SIDE_KEYS = {
    "valid",
    "result",
    "reasons",
    "p50_s",
    "p90_s",
    "p99_s",
    "throughput_per_s",
    "query_count",
    "sample_count",
    "duration_s",
}


def _run(argv, capsys):
    parser = argparse.ArgumentParser(prog="loadgen-check")
    cli_loadgen_check.add_arguments(parser)
    code = cli_loadgen_check.run(parser.parse_args(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def single_stream_doc():
    lg = pytest.importorskip("mlperf_loadgen")
    parser = argparse.ArgumentParser(prog="loadgen-check")
    cli_loadgen_check.add_arguments(parser)
    args = parser.parse_args(
        ["--scenario", "SingleStream", "--service-ms", "2", "--duration-s", "1", "--min-queries", "100", "--json"]
    )
    return cli_loadgen_check._execute(lg, args)


def test_single_stream_constant_device_matches(single_stream_doc):
    doc, code = single_stream_doc
    real, virtual = doc["loadgen"], doc["hwsim"]
    # hwsim: exact virtual time.
    assert virtual["p50_s"] == virtual["p90_s"] == virtual["p99_s"] == 0.002
    assert virtual["valid"] is True and virtual["query_count"] == 501  # last issue at 1.000 s
    # LoadGen: the same device emulated in real time can only be slower, by the sleep overhead.
    assert 0.002 <= real["p50_s"] <= real["p90_s"] <= 0.002 + OVERHEAD_S
    assert real["query_count"] >= 100 and real["duration_s"] >= 1.0
    assert real["valid"] is True and code == 0 and doc["validity_agrees"] is True
    assert doc["relative_difference"]["p90"] == pytest.approx((real["p90_s"] - 0.002) / 0.002)


def test_json_contract_keys(single_stream_doc):
    doc, _ = single_stream_doc
    assert set(doc) == {
        "simulator_version",
        "command",
        "scenario",
        "device",
        "settings",
        "loadgen",
        "hwsim",
        "relative_difference",
        "validity_agrees",
    }
    assert doc["simulator_version"] == SIMULATOR_VERSION
    assert doc["command"] == "loadgen-check" and doc["scenario"] == "SingleStream"
    assert doc["device"] == {"kind": "constant", "service_s": 0.002}
    assert doc["settings"] == {
        "min_duration_s": 1.0,
        "min_query_count": 100,
        "target_qps": None,
        "latency_bound_s": None,
        "max_batch": 1,
        "seed": 0,
    }
    assert set(doc["hwsim"]) == SIDE_KEYS
    assert set(doc["loadgen"]) == SIDE_KEYS | {"version"}
    assert doc["loadgen"]["version"].startswith("6.")
    assert set(doc["relative_difference"]) == {"p50", "p90", "p99", "throughput", "query_count"}
    json.dumps(doc)  # serialisable as printed


def test_offline_through_the_dispatcher(capsys):
    pytest.importorskip("mlperf_loadgen")
    # 220 samples, one 2 ms batch of 4 at a time: ~0.11 s real.
    code = cli.main(
        [
            "loadgen-check",
            "--scenario",
            "Offline",
            "--service-ms",
            "2",
            "--max-batch",
            "4",
            "--duration-s",
            "0.1",
            "--min-queries",
            "200",
            "--qps",
            "2000",
            "--json",
        ]
    )
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert code == 0 and err == ""
    assert doc["loadgen"]["sample_count"] == doc["hwsim"]["sample_count"] == 220  # 1.1 * 0.1 s * 2000
    assert doc["hwsim"]["throughput_per_s"] == pytest.approx(2000.0)  # 4 samples / 2 ms
    assert doc["loadgen"]["throughput_per_s"] == pytest.approx(2000.0, rel=0.1)


def test_missing_loadgen_exits_2(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "mlperf_loadgen", None)
    code, out, err = _run(["--scenario", "SingleStream", "--service-ms", "2"], capsys)
    assert code == 2 and out == ""
    assert "install the optional dependency: pip install mlcommons-loadgen" in err
    # The dispatcher still builds its parser without the module (it is imported lazily).
    assert "loadgen-check" in cli.COMMANDS
    cli.build_parser()


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--scenario", "MultiStream", "--service-ms", "2"], "supports SingleStream, Server, Offline"),
        (["--scenario", "Server", "--service-ms", "2", "--bound-ms", "15"], "Server needs --qps"),
        (["--scenario", "Server", "--service-ms", "2", "--qps", "100"], "--benchmark or --bound-ms"),
        (["--scenario", "SingleStream", "--service-ms", "2", "--qps", "5"], "do not apply to SingleStream"),
        (["--scenario", "SingleStream", "--service-ms", "2", "--duration-s", "0"], "--duration-s must be > 0"),
        (["--scenario", "SingleStream", "--service-ms", "100", "--min-queries", "10000"], "--max-real-s"),
        (["--scenario", "Offline"], "a device is required"),
    ],
)
def test_bad_input_exits_2_before_running(argv, message, capsys):
    pytest.importorskip("mlperf_loadgen")
    code, out, err = _run(argv, capsys)
    assert code == 2 and out == "" and message in err


def test_summary_parsing():
    summary = """MLPerf Results Summary
Scenario : Server
Completed samples per second    : 187.41
Result is : INVALID
  Performance constraints satisfied : NO
  Min duration satisfied : Yes
  Early stopping satisfied: NO
 * Would need to run at least 5300 more queries,
50.00 percentile latency (ns)   : 2645558
90.00 percentile latency (ns)   : 5604721
99.00 percentile latency (ns)   : 9100998
"""
    detail = (
        ':::MLLOG {"key": "effective_samples_per_query", "value": 1}\n'
        ':::MLLOG {"key": "result_query_count", "value": 190}\n'
    )
    side = cli_loadgen_check._loadgen_side("Server", summary, detail, 1.05)
    assert side["valid"] is False and side["result"] == "INVALID"
    assert side["reasons"] == ["Performance constraints satisfied : NO", "Early stopping satisfied : NO"]
    assert side["p90_s"] == 0.005604721 and side["throughput_per_s"] == 187.41
    assert side["query_count"] == side["sample_count"] == 190
    with pytest.raises(cli_loadgen_check._LoadGenOutputError):
        cli_loadgen_check._loadgen_side("Server", "", detail, 1.0)
