"""``python -m hwsim scenario`` (hwsim.engine.cli_scenario): JSON contract, exit codes, bad input."""

import argparse
import json

import pytest

from hwsim.engine import SIMULATOR_VERSION, cli_scenario


def _run(argv, capsys):
    parser = argparse.ArgumentParser(prog="scenario")
    cli_scenario.add_arguments(parser)
    code = cli_scenario.run(parser.parse_args(argv))
    out, err = capsys.readouterr()
    return code, out, err


SHORT = ["--min-duration-s", "0", "--min-query-count", "20000"]


def test_server_json_contract(capsys):
    argv = [
        "--scenario",
        "Server",
        "--service-ms",
        "2.0",
        "--qps",
        "300",
        "--benchmark",
        "resnet50",
        "--seed",
        "1",
        "--json",
        *SHORT,
    ]
    code, out, err = _run(argv, capsys)
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["simulator_version"] == SIMULATOR_VERSION
    assert doc["command"] == "scenario" and doc["scenario"] == "Server"
    assert doc["device"] == {"kind": "constant", "service_s": 0.002}
    r = doc["result"]
    assert r["valid"] is True and r["reasons"] == []
    assert r["latency_bound_s"] == 0.015 and r["target_qps"] == 300.0
    assert set(r["percentiles"]) == {"50", "90", "95", "97", "99", "99.9"}
    for key in (
        "metric_name",
        "metric_value",
        "metric_unit",
        "query_count",
        "sample_count",
        "duration_s",
        "qps",
        "mean_latency_s",
        "early_stopping_ok",
        "overlatency_count",
        "settings",
    ):
        assert key in r
    # Same seed -> identical output.
    _, out2, _ = _run(argv, capsys)
    assert out2 == out


def test_find_max_qps_json(capsys):
    argv = ["--scenario", "server", "--service-ms", "2", "--benchmark", "resnet50", "--find-max-qps", "--json", *SHORT]
    code, out, _ = _run(argv, capsys)
    doc = json.loads(out)
    assert code == 0
    assert doc["search"]["max_qps"] == doc["result"]["target_qps"]
    assert all(len(t) == 2 for t in doc["search"]["trials"])


def test_invalid_run_exits_1_with_reasons(capsys):
    code, out, _ = _run(
        ["--scenario", "SingleStream", "--service-ms", "1", "--max-query-count", "10", "--json"], capsys
    )
    assert code == 1
    r = json.loads(out)["result"]
    assert r["valid"] is False and "min queries not met: 10 < 1024" in r["reasons"]


def test_affine_offline_and_human_output(capsys):
    code, out, _ = _run(
        [
            "--scenario",
            "Offline",
            "--fixed-ms",
            "1",
            "--per-sample-ms",
            "0.25",
            "--max-batch",
            "4",
            "--min-duration-s",
            "0.2",
            "--min-sample-count",
            "100",
        ],
        capsys,
    )
    # One batch of 4 = 1 + 4 * 0.25 = 2 ms -> 2000 samples/s; 100 batches reach 0.2 s.
    assert code == 0
    assert "samples per second : 2000 samples/s" in out and "Result is : VALID" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--scenario", "Batch", "--service-ms", "1"], "unknown scenario"),
        (["--scenario", "Server", "--qps", "10", "--benchmark", "resnet50"], "a device is required"),
        (["--scenario", "Server", "--service-ms", "-1", "--qps", "10", "--benchmark", "resnet50"], "> 0"),
        (["--scenario", "Server", "--service-ms", "1", "--qps", "10", "--benchmark", "nope"], "unknown benchmark"),
        (["--scenario", "Server", "--service-ms", "1", "--qps", "10"], "--benchmark or --bound-ms"),
        (["--scenario", "Server", "--service-ms", "1", "--benchmark", "bert"], "needs --qps"),
        (["--scenario", "Server", "--service-ms", "1", "--qps", "0", "--benchmark", "bert"], "target_qps"),
        (["--scenario", "Offline", "--service-ms", "1", "--find-max-qps"], "Server scenario only"),
        (["--scenario", "SingleStream", "--service-ms", "1", "--min-query-count", "0"], "min_query_count"),
    ],
)
def test_bad_input_exit_2(argv, message, capsys):
    code, out, err = _run(argv, capsys)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
