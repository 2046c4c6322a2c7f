"""Tests of ``python -m hwsim package`` (hwsim.engine.cli_package).

Expected figures are the hand calculations of ``tests/hwsim_engine/packaging_hand_checks.md``
(Chiplet Actuary source formulas, Feng & Ma, DAC 2022), printed there to 12 significant digits.
"""

import argparse
import json
import subprocess
import sys

import pytest

from hwsim.engine import cli_package

REL = 1e-9


def approx(x):
    return pytest.approx(x, rel=REL)


def _run(argv, capsys):
    parser = argparse.ArgumentParser(prog="python -m hwsim package")
    cli_package.add_arguments(parser)
    code = cli_package.run(parser.parse_args(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_monolithic_json_contract(capsys):
    # hand check case 1: 5 nm, 800 mm², SoC on OS
    code, out, err = _run(["--node", "5", "--die-area", "800", "--json"], capsys)
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["mode"] == "monolithic"
    assert data["node_nm"] == 5
    assert data["package"] == "os"
    assert data["chip_count"] == 1
    assert data["dies_per_wafer"] == approx(58.7929826979)
    assert data["die_yield"] == approx(0.430240259058)
    assert data["raw_die_cost_usd"] == approx(288.946047988)
    assert data["kgd_cost_usd"] == approx(671.592306635)
    assert data["interposer_area_mm2"] is None
    assert data["total_cost_usd"] == approx(698.57808751)
    assert data["nre"] is None and data["total_cost_with_nre_usd"] is None


def test_chiplets_fo_chip_last_json_contract(capsys):
    # hand check case 2 (chip-last)
    code, out, _ = _run(
        ["--node", "5", "--chiplets", "4", "--chiplet-area", "220", "--package", "fo-chip-last", "--json"], capsys
    )
    assert code == 0
    data = json.loads(out)
    assert data["mode"] == "chiplets"
    assert data["chip_count"] == 4
    assert data["package_yield"] == approx(0.614862539953)
    assert data["interposer_area_mm2"] == approx(1056)
    assert data["parts"] == {
        "raw_chips_usd": approx(281.212660963),
        "chip_defects_usd": approx(73.5864663938),
        "raw_package_usd": approx(54.9149579174),
        "package_defects_usd": approx(26.6097661408),
        "wasted_kgd_usd": approx(33.7474123742),
    }
    assert data["total_cost_usd"] == approx(470.071263789)
    assert data["die_yield"] == approx(0.787321815069)


def test_chip_first_json(capsys):
    # hand check case 2 (chip-first)
    code, out, _ = _run(
        ["--node", "5", "--chiplets", "4", "--chiplet-area", "220", "--package", "fo-chip-first", "--json"], capsys
    )
    assert code == 0
    data = json.loads(out)
    assert data["parts"]["wasted_kgd_usd"] == approx(228.067665851)
    assert data["total_cost_usd"] == approx(659.718748851)


def test_si_and_os_cases(capsys):
    # hand check case 3 (7 nm, 2 × 330 mm² on SI) and case 4 (14 nm, 2 × 110 mm² on OS)
    _, out, _ = _run(["--node", "7", "--chiplets", "2", "--chiplet-area", "330", "--package", "si", "--json"], capsys)
    data = json.loads(out)
    assert data["interposer_area_mm2"] == approx(726)
    assert data["package_yield"] == approx(0.656709417398)
    assert data["total_cost_usd"] == approx(252.72391574)
    _, out, _ = _run(["--node", "14nm", "--chiplets", "2", "--chiplet-area", "110", "--json"], capsys)
    data = json.loads(out)
    assert data["substrate_layer_factor"] == 1.75
    assert data["total_cost_usd"] == approx(26.112475151)


def test_volume_and_compare(capsys):
    # hand check case 5: one reused chiplet design (200 mm² module + 20 mm² D2D), 500 000 units
    code, out, _ = _run(
        [
            "--node",
            "5",
            "--chiplets",
            "4",
            "--chiplet-area",
            "220",
            "--package",
            "fo-chip-last",
            "--volume",
            "500000",
            "--compare",
            "--json",
        ],
        capsys,
    )
    assert code == 0
    data = json.loads(out)
    assert data["nre"]["volume"] == 500000
    assert data["nre"]["total_usd"] == approx(452798354.453)
    assert data["nre"]["per_unit_usd"] == approx(905.596708907)
    assert data["total_cost_with_nre_usd"] == approx(470.071263789 + 905.596708907)
    cmp_ = data["soc_comparison"]
    assert cmp_["soc_area_mm2"] == approx(800)
    assert cmp_["soc_package"] == "os"
    assert cmp_["soc"]["total_cost_usd"] == approx(698.57808751)
    assert cmp_["soc"]["nre"]["total_usd"] == approx(1274566666.67)
    assert cmp_["cost_ratio"] == approx((470.071263789 + 905.596708907) / (698.57808751 + 2549.13333333))


def test_distinct_designs_nre(capsys):
    # hand check case 5, four distinct designs
    _, out, _ = _run(
        [
            "--node",
            "5",
            "--chiplets",
            "4",
            "--chiplet-area",
            "220",
            "--package",
            "fo-chip-last",
            "--volume",
            "500000",
            "--distinct-designs",
            "--json",
        ],
        capsys,
    )
    assert json.loads(out)["nre"]["total_usd"] == approx(1677718354.45)


def test_text_output(capsys):
    code, out, _ = _run(["--node", "5", "--die-area", "800"], capsys)
    assert code == 0
    assert "Chiplet Actuary" in out
    assert "$698.58" in out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--node", "6", "--die-area", "800"], "unknown process node"),
        (["--node", "5", "--die-area", "-3"], "positive"),
        (["--node", "5", "--die-area", "nan"], "positive"),
        (["--node", "5", "--die-area", "20000"], "does not fit"),
        (["--node", "5", "--chiplets", "30", "--chiplet-area", "300", "--package", "si"], "too large"),
        (["--node", "5", "--chiplets", "4"], "--chiplet-area"),
        (["--node", "5"], "--die-area"),
        (["--node", "5", "--die-area", "800", "--chiplets", "2", "--chiplet-area", "100"], "not both"),
        (["--node", "5", "--chiplets", "0", "--chiplet-area", "100"], "--chiplets"),
        (["--node", "5", "--die-area", "800", "--volume", "0"], "--volume"),
        (["--node", "5", "--die-area", "800", "--compare"], "--compare"),
        (["--node", "5", "--chiplets", "2", "--chiplet-area", "100", "--d2d-area", "100"], "D2D"),
    ],
)
def test_bad_input_exit_2_with_message(argv, fragment, capsys):
    code, out, err = _run(argv + ["--json"], capsys)
    assert code == 2
    assert out == ""
    assert err.startswith("hwsim package: error: ")
    assert fragment in err
    assert "Traceback" not in err


def test_argparse_errors_exit_2(capsys):
    parser = argparse.ArgumentParser(prog="python -m hwsim package")
    cli_package.add_arguments(parser)
    with pytest.raises(SystemExit) as info:
        parser.parse_args(["--node", "5", "--die-area", "abc"])
    assert info.value.code == 2
    with pytest.raises(SystemExit):
        parser.parse_args(["--node", "5", "--die-area", "100", "--package", "cowos"])
    assert "invalid choice" in capsys.readouterr().err


def test_python_m_hwsim_package_end_to_end():
    # the documented example, through the real dispatcher (hwsim/engine/cli.py)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "hwsim",
            "package",
            "--node",
            "5",
            "--chiplets",
            "4",
            "--chiplet-area",
            "220",
            "--package",
            "fo-chip-last",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data["parts"]) == {
        "raw_chips_usd",
        "chip_defects_usd",
        "raw_package_usd",
        "package_defects_usd",
        "wasted_kgd_usd",
    }
    assert data["total_cost_usd"] == approx(470.071263789)
    bad = subprocess.run(
        [sys.executable, "-m", "hwsim", "package", "--node", "4", "--die-area", "800", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert "unknown process node" in bad.stderr and "Traceback" not in bad.stderr
