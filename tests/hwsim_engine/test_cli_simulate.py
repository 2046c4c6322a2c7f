"""``python -m hwsim simulate``: JSON contract, table output, flag overrides and error exits."""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hwsim.engine import cli_simulate
from hwsim.engine.config import AcceleratorConfig
from hwsim.engine.platform import simulate_network
from hwsim.engine.topology import load_topology

# SCALE-Sim v3.0.0 reference inputs kept in the repository (MIT; see tests/data/scalesim/README.md)
REF = Path(__file__).resolve().parents[1] / "data" / "scalesim"
REPO = Path(__file__).resolve().parents[2]
CONV = (
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
    "c1, 8, 8, 3, 3, 2, 4, 1,\nc6, 9, 9, 3, 3, 8, 16, 2,\n"
)


def _run(argv, capsys):
    parser = argparse.ArgumentParser()
    cli_simulate.add_arguments(parser)
    code = cli_simulate.run(parser.parse_args(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def conv_csv(tmp_path):
    path = tmp_path / "net.csv"
    path.write_text(CONV)
    return path


def test_json_contract(conv_csv, capsys):
    code, out, err = _run(["--topology", str(conv_csv), "--array", "4x4", "--dataflow", "os", "--json"], capsys)
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert set(doc) == {"hwsim_version", "topology", "batch", "config", "layers", "total"}
    assert doc["config"]["rows"] == 4 and doc["config"]["dataflow"] == "os" and doc["config"]["n_chiplets"] == 1
    assert [layer["name"] for layer in doc["layers"]] == ["c1", "c6"]
    # c1 on 4x4 OS: SCALE-Sim v3.0.0 COMPUTE_REPORT "Total Cycles" 215, c6: 1247 (goldens/scalesim_v3_compute.json)
    assert [layer["cycles"] for layer in doc["layers"]] == [215, 1247]
    for key in ("name", "cycles", "macs", "utilization", "stall_cycles", "dram_bytes", "latency_s", "energy_j"):
        assert key in doc["layers"][0]
    total = doc["total"]
    assert total["cycles"] == 215 + 1247 and total["macs"] == 2592 + 18432
    assert total["utilization"] == total["macs"] / (total["cycles"] * 16)
    assert total["latency_s"] == 1462 / 1e9 and total["layers"] == 2
    expected = simulate_network(AcceleratorConfig(rows=4, cols=4, dataflow="os"), load_topology(conv_csv))
    assert total["energy_j"] == expected.energy_j


def test_config_file_then_flags_override(capsys):
    code, out, _ = _run(
        [
            "--topology",
            str(REF / "GEMM_mnk" / "test_mnk_input.csv"),
            "--config",
            str(REF / "scale.cfg"),
            "--dataflow",
            "is",
            "--batch",
            "2",
            "--json",
        ],
        capsys,
    )
    doc = json.loads(out)
    assert code == 0 and doc["batch"] == 2 and doc["config"]["dataflow"] == "is" and doc["config"]["rows"] == 32
    # GEMM auto-detected: (256, 128, 256) x batch 2 -> M = 512 rows of work
    assert doc["layers"][0]["macs"] == 2 * 256 * 128 * 256 and doc["layers"][0]["sc"] == 512


def test_gemm_flag_chiplets_and_bandwidth(capsys):
    code, out, _ = _run(
        ["--topology", str(REF / "GEMM_mnk" / "gpt2.csv"), "--gemm", "--chiplets", "4", "--bandwidth", "1", "--json"],
        capsys,
    )
    doc = json.loads(out)
    assert code == 0 and doc["config"]["n_chiplets"] == 4 and doc["config"]["bandwidth_gbps"] == 1.0
    assert doc["total"]["stall_cycles"] > 0 and doc["total"]["link_bytes"] > 0


def test_table_output(conv_csv, capsys):
    code, out, _ = _run(["--topology", str(conv_csv), "--array", "4x4", "--dataflow", "os"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert "4x4 OS" in lines[0] and lines[1].split()[:2] == ["layer", "cycles"]
    assert lines[3].split()[:2] == ["c1", "215"] and any(line.startswith("total") for line in lines)


@pytest.mark.parametrize(
    "argv_extra, message",
    [
        ([], "line 3, column 4 (Filter Height): 'x' is not a positive integer"),
        (["--array", "4by4"], "--array must look like RxC"),
        (["--chiplets", "0"], "n_chiplets must be a positive integer"),
        (["--batch", "0"], "--batch must be a positive integer"),
        (["--config", "/nonexistent/acc.cfg"], "cannot read configuration file"),
    ],
)
def test_errors_exit_2_with_message(tmp_path, capsys, argv_extra, message):
    bad = tmp_path / "bad.csv"
    bad.write_text(CONV.replace("c6, 9, 9, 3,", "c6, 9, 9, x,") if not argv_extra else CONV)
    code, out, err = _run(["--topology", str(bad), *argv_extra], capsys)
    assert code == 2 and out == ""
    assert err.startswith("hwsim simulate: error: ") and message in err


def test_subprocess_error_has_no_traceback(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Layer, M, N, K,\nA, 4, 4, 4,\nB, 4, -1, 4,\n")
    driver = (
        "import argparse, sys; from hwsim.engine import cli_simulate; p = argparse.ArgumentParser(); "
        "cli_simulate.add_arguments(p); sys.exit(cli_simulate.run(p.parse_args(sys.argv[1:])))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", driver, "--topology", str(bad)], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert f"{bad}: line 3, column 3 (N): '-1' is not a positive integer" in proc.stderr


def test_exact_flag_replays_scalesim_buffers(tmp_path, capsys):
    # a 128x64x64 GEMM on an 8x8 os array with 1 KiB SRAMs at 4 GB/s: 131,072 SRAM reads, beyond the default
    # replay bound (memory.AUTO_SRAM_READS), so only --exact replays SCALE-Sim's USER-mode buffers
    topo = tmp_path / "g.csv"
    topo.write_text("Layer, M, N, K,\ng, 128, 64, 64,\n")
    cfg = tmp_path / "a.json"
    cfg.write_text(
        '{"rows": 8, "cols": 8, "dataflow": "os", "ifmap_sram_kib": 1, "filter_sram_kib": 1, "ofmap_sram_kib": 1, '
        '"bandwidth_gbps": 4.0}'
    )
    base = ["--topology", str(topo), "--gemm", "--config", str(cfg), "--json"]
    code, out, _ = _run(base, capsys)
    code_x, out_x, _ = _run([*base, "--exact"], capsys)
    assert code == code_x == 0
    default, exact = json.loads(out)["total"], json.loads(out_x)["total"]
    assert default["compute_cycles"] == exact["compute_cycles"] and exact["stall_cycles"] != default["stall_cycles"]


def test_zero_cycle_layer_exits_2_with_one_line(tmp_path):
    # issue 12 A.2: a 1,1,1 GEMM on a 1x1 os array takes 0 cycles (SCALE-Sim itself divides by zero)
    topo = tmp_path / "one.csv"
    topo.write_text("Layer, M, N, K,\nz, 1, 1, 1,\n")
    proc = subprocess.run(
        [sys.executable, "-m", "hwsim", "simulate", "--topology", str(topo), "--array", "1x1", "--dataflow", "os"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and proc.stdout == "" and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith("hwsim simulate: error: layer 'z' takes 0 cycles on a 1x1 os array")


def test_python_m_hwsim_simulate_entry_point():
    # the real dispatcher (hwsim/engine/cli.py); Test 1 (256, 128, 256) on SCALE-Sim's scale.cfg (32x32 ws):
    # SCALE-Sim v3.0.0 COMPUTE_REPORT "Total Cycles" 11199 (goldens/scalesim_v3_compute.json)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "hwsim",
            "simulate",
            "--topology",
            str(REF / "GEMM_mnk" / "test_mnk_input.csv"),
            "--config",
            str(REF / "scale.cfg"),
            "--json",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["layers"][0]["cycles"] == 11199 and doc["total"]["cycles"] == 11199
