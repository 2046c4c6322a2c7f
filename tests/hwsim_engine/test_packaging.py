"""Tests of hwsim.engine.packaging (Chiplet Actuary, Feng & Ma, DAC 2022).

Expected numbers come from the step-by-step hand calculations in
``tests/hwsim_engine/packaging_hand_checks.md`` (cases 1-5), worked from the formulas of the public
source ``Yinxiao-Feng/chiplet-actuary`` (chip.py / package.py / spec.py / module.py) and its
``parameter.ini``; they are printed there to 12 significant digits, hence ``rel=1e-9``.
"""

import dataclasses
import math
import subprocess
import sys

import pytest

from hwsim.engine import packaging as pk

REL = 1e-9  # rounding of the 12-significant-digit hand-check figures only


def approx(x):
    return pytest.approx(x, rel=REL)


# ---------------------------------------------------------------- parameter table (parameter.ini)
def test_parameter_table_matches_parameter_ini():
    # Values copied from parameter.ini of Yinxiao-Feng/chiplet-actuary (commit 2c91fb9).
    nodes = pk.ACTUARY_PARAMETERS["nodes"]
    assert pk.KNOWN_NODES == (3, 5, 7, 10, 14, 20, 28, 40, 55)
    assert dict(nodes[5]) == {"defect_density": 0.11, "wafer_cost": 16988.0, "NRE": 54.2e7}
    assert dict(nodes[14]) == {"defect_density": 0.08, "wafer_cost": 3984.0, "NRE": 10.6e7}
    assert dict(nodes[55]) == {"defect_density": 0.07, "wafer_cost": 1937.0, "NRE": 2.8e7}
    assert dict(pk.ACTUARY_PARAMETERS["Manufacture"]) == {
        "wafer_diameter": 300.0,
        "scribe_lane": 0.2,
        "edge_loss": 5.0,
        "critical_level": 10.0,
    }
    assert pk.ACTUARY_PARAMETERS["FO"]["critical_level"] == 3.0
    assert pk.ACTUARY_PARAMETERS["SI"]["bonding_yield"] == 0.95
    assert pk.ACTUARY_PARAMETERS["OS"]["NRE_cost_fixed"] == 3e5


def test_parameter_table_is_read_only():
    with pytest.raises(TypeError):
        pk.ACTUARY_PARAMETERS["nodes"][5]["wafer_cost"] = 1.0  # type: ignore[index]


def test_node_params_derived_nre_factors():
    # hand check case 5 (spec.py:19,23,27-28)
    p = pk.node_params(5)
    assert p.module_nre_per_mm2 == approx(903333.333333)
    assert p.chip_nre_per_mm2 == approx(542000)
    assert p.chip_nre_fixed_usd == approx(108400000)


# ---------------------------------------------------------------- die level
def test_case1_die_5nm_800mm2():
    # hand check case 1 (chip.py:47-66)
    d = pk.die_cost(5, 800)
    assert d.dies_per_wafer == approx(58.7929826979)
    assert d.die_yield == approx(0.430240259058)
    assert d.raw_die_cost_usd == approx(288.946047988)
    assert d.good_dies_per_wafer == approx(25.2951081068)
    assert d.kgd_cost_usd == approx(671.592306635)
    assert d.defect_cost_usd == approx(382.646258647)


def test_die_yield_formula_pieces():
    # (1 + D0*A/100/alpha)^-alpha, chip.py:47: 1 + 0.11/100*800/10 = 1.088 exactly
    assert pk.negative_binomial_yield(800, 0.11, 10) == pytest.approx(1.088**-10, rel=1e-15)
    # FO RDL of case 2: 1.176^-3
    assert pk.negative_binomial_yield(1056, 0.05, 3) == approx(0.614862539953)
    # tiny die -> yield ~1, huge die -> yield smaller
    assert pk.negative_binomial_yield(1e-9, 0.11, 10) == pytest.approx(1.0)
    assert pk.negative_binomial_yield(400, 0.11, 10) > pk.negative_binomial_yield(800, 0.11, 10)


def test_dies_per_wafer_other_areas():
    # hand check cases 2, 3, 4
    assert pk.dies_per_wafer(220) == approx(249.445087317)
    assert pk.dies_per_wafer(330) == approx(160.745087024)
    assert pk.dies_per_wafer(110) == approx(517.93587219)
    assert pk.dies_per_wafer(1056) == approx(42.0831762571)  # interposer of case 2


def test_die_cost_accepts_node_strings():
    assert pk.die_cost("5nm", 800) == pk.die_cost(5, 800)
    assert pk.die_cost(" 5 ", 800.0).node_nm == 5


# ---------------------------------------------------------------- packages
def test_case1_soc_on_organic_substrate():
    # hand check case 1 (package.py:98-135)
    r = pk.package_cost(pk.ChipSpec(5, 800), "os")
    assert r.interposer_area_mm2 is None
    assert r.package_area_mm2 == 3200
    assert r.substrate_layer_factor == 1
    assert r.package_yield == 1.0
    parts = r.parts
    assert parts.raw_chips_usd == approx(292.946047988)
    assert parts.chip_defects_usd == approx(382.646258647)
    assert parts.raw_package_usd == approx(16)
    assert parts.package_defects_usd == approx(0.161616161616)
    assert parts.wasted_kgd_usd == approx(6.82416471349)
    assert r.total_cost_usd == approx(698.57808751)


def test_case2_four_chiplets_fo_chip_last():
    # hand check case 2, chip-last (package.py:171-214)
    r = pk.package_cost(pk.ChipSpec(5, 220, count=4), "fo-chip-last")
    assert r.chip_count == 4
    assert r.interposer_area_mm2 == approx(1056)
    assert r.package_area_mm2 == approx(4224)
    assert r.package_yield == approx(0.614862539953)
    assert r.chip_bonding_yield == approx(0.92236816)
    assert r.substrate_bonding_yield == 0.99
    assert r.interposer_cost_usd == approx(33.7949579174)
    assert r.substrate_cost_usd == approx(21.12)
    p = r.parts
    assert p.raw_chips_usd == approx(281.212660963)
    assert p.chip_defects_usd == approx(73.5864663938)
    assert p.raw_package_usd == approx(54.9149579174)
    assert p.package_defects_usd == approx(26.6097661408)
    assert p.wasted_kgd_usd == approx(33.7474123742)
    assert r.total_cost_usd == approx(470.071263789)


def test_case2_four_chiplets_fo_chip_first():
    # hand check case 2, chip-first (package.py:216-219): KGDs lost with a failed RDL
    r = pk.package_cost(pk.ChipSpec(5, 220, count=4), "fo-chip-first")
    p = r.parts
    assert p.raw_chips_usd == approx(281.212660963)
    assert p.raw_package_usd == approx(54.9149579174)
    assert p.package_defects_usd == approx(21.9369977266)
    assert p.wasted_kgd_usd == approx(228.067665851)
    assert r.total_cost_usd == approx(659.718748851)


def test_chip_first_wastes_more_kgd_than_chip_last():
    first = pk.package_cost(pk.ChipSpec(7, 150, count=3), "fo-chip-first")
    last = pk.package_cost(pk.ChipSpec(7, 150, count=3), "fo-chip-last")
    assert first.parts.wasted_kgd_usd > last.parts.wasted_kgd_usd
    assert first.parts.raw_chips_usd == last.parts.raw_chips_usd


def test_case3_two_chiplets_silicon_interposer():
    # hand check case 3 (two distinct designs: exactly the source's SI('x', {c0: 1, c1: 1}))
    r = pk.package_cost([pk.ChipSpec(7, 330, name="a"), pk.ChipSpec(7, 330, name="b")], "si")
    assert r.dies[0].dies_per_wafer == approx(160.745087024)
    assert r.dies[0].die_yield == approx(0.746264654606)
    assert r.interposer_area_mm2 == approx(726)
    assert r.package_yield == approx(0.656709417398)
    assert r.interposer_cost_usd == approx(33.0176985643)
    assert r.chip_bonding_yield == approx(0.9025)
    p = r.parts
    assert p.raw_chips_usd == approx(122.883491745)
    assert p.chip_defects_usd == approx(39.5372228329)
    assert p.raw_package_usd == approx(47.5376985643)
    assert p.package_defects_usd == approx(23.4008123488)
    assert p.wasted_kgd_usd == approx(19.3646902492)
    assert r.total_cost_usd == approx(252.72391574)


def test_count_and_distinct_entries_give_same_recurring_cost():
    # µbumps are charged per instance (documented deviation from package.py:206)
    one = pk.package_cost(pk.ChipSpec(7, 330, count=2), "si")
    two = pk.package_cost([pk.ChipSpec(7, 330), pk.ChipSpec(7, 330)], "si")
    assert one.parts == two.parts


def test_case4_mcm_14nm_organic_substrate():
    # hand check case 4: substrate 880 mm² -> layer factor 1.75 (package.py:118-119)
    r = pk.package_cost(pk.ChipSpec(14, 110, count=2), "os")
    assert r.dies[0].dies_per_wafer == approx(517.93587219)
    assert r.dies[0].die_yield == approx(0.916113460608)
    assert r.dies[0].kgd_cost_usd == approx(8.39641844773)
    assert r.substrate_layer_factor == 1.75
    assert r.chip_bonding_yield == approx(0.9801)
    p = r.parts
    assert p.raw_chips_usd == approx(16.4841439217)
    assert p.chip_defects_usd == approx(1.40869297373)
    assert p.raw_package_usd == approx(7.7)
    assert p.package_defects_usd == approx(0.156341189675)
    assert p.wasted_kgd_usd == approx(0.36329706583)
    assert r.total_cost_usd == approx(26.112475151)


@pytest.mark.parametrize(
    ("chip_area", "count", "factor"),
    # substrate = 4·Σ area; package.py:113-121: one chip 1; > 30² 2; > 17² 1.75; else 1.5
    [(50, 1, 1.0), (30, 2, 1.5), (50, 2, 1.75), (112.5, 2, 1.75), (113, 2, 2.0)],
)
def test_os_layer_factor_branches(chip_area, count, factor):
    r = pk.package_cost(pk.ChipSpec(14, chip_area, count=count), "os")
    assert r.substrate_layer_factor == factor
    assert r.parts.raw_package_usd == pytest.approx(chip_area * count * 4 * 0.005 * factor, rel=1e-15)


def test_parts_sum_to_total_and_as_dict_keys():
    r = pk.package_cost(pk.ChipSpec(7, 200, count=2), "fo-chip-last")
    d = r.parts.as_dict()
    assert list(d) == ["raw_chips_usd", "chip_defects_usd", "raw_package_usd", "package_defects_usd", "wasted_kgd_usd"]
    assert math.fsum(d.values()) == pytest.approx(r.total_cost_usd, rel=1e-15)


def test_results_are_frozen():
    r = pk.package_cost(pk.ChipSpec(5, 100), "os")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.package = "si"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.parts.raw_chips_usd = 0.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        pk.die_cost(5, 100).die_yield = 1.0  # type: ignore[misc]


# ---------------------------------------------------------------- NRE
def test_case5_nre_monolithic_soc():
    # hand check case 5 (module.py:32, chip.py:44, package.py:100-110)
    n = pk.system_nre(pk.ChipSpec(5, 800), "os", 500_000)
    assert n.module_usd == approx(722666666.667)
    assert n.chip_usd == approx(542000000)
    assert n.package_usd == approx(9900000)
    assert n.total_usd == approx(1274566666.67)
    assert n.per_unit_usd == approx(2549.13333333)


def test_case5_nre_reused_chiplet_on_fo():
    # hand check case 5: one 220 mm² design (200 module + 20 D2D) ×4, FO chip-last
    n = pk.system_nre(pk.ChipSpec(5, 220, count=4, d2d_area_mm2=20), "fo-chip-last", 500_000)
    assert n.module_usd == approx(198733333.333)
    assert n.chip_usd == approx(227640000)
    assert n.package_usd == approx(26425021.12)
    assert n.total_usd == approx(452798354.453)
    assert n.per_unit_usd == approx(905.596708907)


def test_case5_nre_distinct_chiplets_and_si_package():
    specs = [pk.ChipSpec(5, 220, 1, 20, name=f"c{i}") for i in range(4)]
    n = pk.system_nre(specs, "fo-chip-last", 500_000)
    assert n.module_usd == approx(740733333.333)  # D2D PHY charged once per node
    assert n.chip_usd == approx(910560000)
    assert n.total_usd == approx(1677718354.45)
    assert pk.package_nre([pk.ChipSpec(7, 330), pk.ChipSpec(7, 330)], "si") == approx(31113614.52)


def test_nre_helpers():
    assert pk.module_nre(5, 800) == approx(722666666.667)
    assert pk.chip_nre(5, 800) == approx(542000000)
    assert pk.d2d_nre(5) == approx(903333.333333 * 20)


def test_system_cost_adds_amortised_nre():
    s = pk.system_cost(pk.ChipSpec(5, 800), "os", 500_000)
    assert s.total_per_unit_usd == approx(698.57808751 + 2549.13333333)
    assert pk.system_cost(pk.ChipSpec(5, 800), "os").total_per_unit_usd == approx(698.57808751)


# ---------------------------------------------------------------- SoC vs chiplets
def test_compare_soc_vs_four_chiplets_matches_cases_1_2_5():
    c = pk.compare_soc_vs_chiplets(5, 800, 4, "fo-chip-last", volume=500_000, distinct_designs=False)
    assert c.chiplet_area_mm2 == pytest.approx(220, rel=1e-12)
    assert c.soc.recurring.total_cost_usd == approx(698.57808751)
    assert c.chiplets.recurring.total_cost_usd == approx(470.071263789)
    assert c.soc.nre.total_usd == approx(1274566666.67)
    assert c.chiplets.nre.total_usd == approx(452798354.453)
    soc_unit = 698.57808751 + 2549.13333333
    chip_unit = 470.071263789 + 905.596708907
    assert c.cost_ratio == approx(chip_unit / soc_unit)
    assert c.saving_usd == approx(soc_unit - chip_unit)


def test_compare_without_volume_is_recurring_only():
    c = pk.compare_soc_vs_chiplets(5, 800, 4)  # distinct designs, fo-chip-last by default
    assert c.chiplets.nre is None
    assert c.chiplets.recurring.total_cost_usd == approx(470.071263789)
    assert c.cost_ratio == approx(470.071263789 / 698.57808751)


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: pk.die_cost(6, 100), pk.UnknownNodeError),
        (lambda: pk.die_cost("abc", 100), pk.UnknownNodeError),
        (lambda: pk.die_cost(True, 100), pk.UnknownNodeError),
        (lambda: pk.die_cost(5, 0), pk.InvalidAreaError),
        (lambda: pk.die_cost(5, -1.0), pk.InvalidAreaError),
        (lambda: pk.die_cost(5, float("nan")), pk.InvalidAreaError),
        (lambda: pk.die_cost(5, float("inf")), pk.InvalidAreaError),
        (lambda: pk.die_cost(5, "100"), pk.InvalidAreaError),
        (lambda: pk.die_cost(5, 20_000), pk.DieTooLargeError),
        (lambda: pk.dies_per_wafer(11_000), pk.DieTooLargeError),
        (lambda: pk.package_cost(pk.ChipSpec(5, 300, count=30), "si"), pk.InterposerTooLargeError),
        (lambda: pk.package_cost(pk.ChipSpec(5, 100), "cowos"), pk.UnknownPackageError),
        (lambda: pk.package_cost([], "os"), pk.InvalidCountError),
        (lambda: pk.ChipSpec(5, 100, count=0), pk.InvalidCountError),
        (lambda: pk.ChipSpec(5, 100, count=2.0), pk.InvalidCountError),
        (lambda: pk.ChipSpec(5, 100, d2d_area_mm2=100), pk.InvalidAreaError),
        (lambda: pk.ChipSpec(5, 100, d2d_area_mm2=-1), pk.InvalidAreaError),
        (lambda: pk.system_nre(pk.ChipSpec(5, 100), "os", 0), pk.InvalidVolumeError),
        (lambda: pk.system_cost(pk.ChipSpec(5, 100), "os", 1.5), pk.InvalidVolumeError),
        (lambda: pk.compare_soc_vs_chiplets(5, 800, 0), pk.InvalidCountError),
        (lambda: pk.compare_soc_vs_chiplets(5, 800, 2, d2d_area_ratio=-0.1), pk.InvalidAreaError),
    ],
)
def test_bad_input_raises_value_error_subclass(call, error):
    with pytest.raises(error) as info:
        call()
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, pk.PackagingError)
    assert str(info.value)


def test_die_too_large_is_an_invalid_area():
    assert issubclass(pk.DieTooLargeError, pk.AreaTooLargeError)
    assert issubclass(pk.InterposerTooLargeError, pk.InvalidAreaError)


# ---------------------------------------------------------------- purity and speed
def test_module_does_not_import_django():
    code = (
        "import sys, hwsim.engine.packaging; "
        "sys.exit(1 if any(m.split('.')[0] == 'django' for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def _sweep() -> int:
    packages = pk.PACKAGE_TYPES
    nodes = (5, 7, 14, 28, 55)
    n = 0
    for i in range(1000):
        node = nodes[i % len(nodes)]
        package = packages[i % len(packages)]
        count = 1 + i % 8
        area = 20.0 + (i * 7.3) % 500.0
        assert pk.package_cost(pk.ChipSpec(node, area, count=count), package).total_cost_usd > 0
        n += 1
    return n


def test_thousand_configuration_sweep_runs():
    # Its speed is measured by benchmarks/hwsim_bench.py, not asserted here (no stopwatch in unit tests).
    pk._die_cost.cache_clear()
    pk._interposer.cache_clear()
    assert _sweep() == 1000
