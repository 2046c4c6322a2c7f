"""Chiplet Actuary parameter table (``parameter.ini``) and the constants ``spec.py`` derives from it."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

# --------------------------------------------------------------------------------------------------
# Parameter table: Yinxiao-Feng/chiplet-actuary parameter.ini (commit 2c91fb9, MIT), values verbatim.
# Units as in the file: defect_density in #/cm², wafer_cost in $/wafer, NRE in $ per chip at 300 mm²
# including the first tape-out; areas in mm²; bump/RE cost factors in $/mm².
# --------------------------------------------------------------------------------------------------
ACTUARY_PARAMETERS = MappingProxyType(
    {
        "NRE": MappingProxyType({"module": 0.5, "chip": 0.3}),
        "Manufacture": MappingProxyType(
            {"wafer_diameter": 300.0, "scribe_lane": 0.2, "edge_loss": 5.0, "critical_level": 10.0}
        ),
        # node (nm) -> parameters; the file marks the 3 nm row as "Inaccurate Assumptions".
        "nodes": MappingProxyType(
            {
                3: MappingProxyType({"defect_density": 0.2, "wafer_cost": 30000.0, "NRE": 100e7}),
                5: MappingProxyType({"defect_density": 0.11, "wafer_cost": 16988.0, "NRE": 54.2e7}),
                7: MappingProxyType({"defect_density": 0.09, "wafer_cost": 9346.0, "NRE": 29.8e7}),
                10: MappingProxyType({"defect_density": 0.08, "wafer_cost": 5992.0, "NRE": 17.4e7}),
                14: MappingProxyType({"defect_density": 0.08, "wafer_cost": 3984.0, "NRE": 10.6e7}),
                20: MappingProxyType({"defect_density": 0.07, "wafer_cost": 3677.0, "NRE": 7e7}),
                28: MappingProxyType({"defect_density": 0.07, "wafer_cost": 2891.0, "NRE": 5.1e7}),
                40: MappingProxyType({"defect_density": 0.07, "wafer_cost": 2274.0, "NRE": 3.8e7}),
                55: MappingProxyType({"defect_density": 0.07, "wafer_cost": 1937.0, "NRE": 2.8e7}),
            }
        ),
        "OS": MappingProxyType(
            {
                "area_scale_factor": 4.0,
                "NRE_cost_factor": 3e3,
                "NRE_cost_fixed": 3e5,
                "RE_cost_factor": 0.005,
                "bonding_yield": 0.99,
                "bump_cost_factor": 0.005,
            }
        ),
        "FO": MappingProxyType(
            {
                "wafer_cost": 1200.0,
                "defect_density": 0.05,
                "NRE": 1.5e7,
                "area_scale_factor": 1.2,
                "critical_level": 3.0,
                "bonding_yield": 0.98,
            }
        ),
        "SI": MappingProxyType(
            {
                "defect_density": 0.06,
                "area_scale_factor": 1.1,
                "critical_level": 6.0,
                "bonding_yield": 0.95,
                "bump_cost_factor": 0.01,
            }
        ),
    }
)

#: Process nodes (nm) of the parameter table, smallest first.
KNOWN_NODES: tuple[int, ...] = tuple(sorted(ACTUARY_PARAMETERS["nodes"]))

#: Package types understood by :func:`package_cost`.
PACKAGE_TYPES: tuple[str, ...] = ("os", "fo-chip-first", "fo-chip-last", "si")

# ---- derived constants, as spec.py derives them ---------------------------------------------------
_MFG = ACTUARY_PARAMETERS["Manufacture"]
WAFER_DIAMETER_MM: float = _MFG["wafer_diameter"]  # spec.py:39
SCRIBE_LANE_MM: float = _MFG["scribe_lane"]  # spec.py:40
EDGE_LOSS_MM: float = _MFG["edge_loss"]  # spec.py:41
DIE_CRITICAL_LEVEL: float = _MFG["critical_level"]  # spec.py:42 (α of the die yield)

_NRE_SCALE_MODULE: float = ACTUARY_PARAMETERS["NRE"]["module"]  # spec.py:10
_NRE_SCALE_CHIP: float = ACTUARY_PARAMETERS["NRE"]["chip"]  # spec.py:11
_NRE_REFERENCE_AREA_MM2 = 300.0  # spec.py:19,23 ("$/chip at 300mm2")
D2D_NRE_AREA_MM2 = 20.0  # module.py:43 (D2D PHY NRE "default assumed as a 20 mm2 module")

_OS = ACTUARY_PARAMETERS["OS"]
_FO = ACTUARY_PARAMETERS["FO"]
_SI = ACTUARY_PARAMETERS["SI"]
OS_AREA_SCALE_FACTOR: float = _OS["area_scale_factor"]  # spec.py:62
OS_RE_COST_PER_MM2: float = _OS["RE_cost_factor"]  # spec.py:55 (cost_factor_os)
OS_NRE_COST_PER_MM2: float = _OS["NRE_cost_factor"]  # spec.py:30
OS_NRE_COST_FIXED: float = _OS["NRE_cost_fixed"]  # spec.py:31
OS_BONDING_YIELD: float = _OS["bonding_yield"]  # spec.py:69
C4_BUMP_COST_PER_MM2: float = _OS["bump_cost_factor"]  # spec.py:59
U_BUMP_COST_PER_MM2: float = _SI["bump_cost_factor"]  # spec.py:60


def _node_nre_factors(node_nre: float) -> tuple[float, float, float]:
    """(module $/mm², chip $/mm², chip fixed $) for a node NRE, spec.py:17-28."""
    return (
        _NRE_SCALE_MODULE * node_nre / _NRE_REFERENCE_AREA_MM2,
        _NRE_SCALE_CHIP * node_nre / _NRE_REFERENCE_AREA_MM2,
        (1.0 - _NRE_SCALE_MODULE - _NRE_SCALE_CHIP) * node_nre,
    )


_MODULE_NRE_55_PER_MM2, _CHIP_NRE_55_PER_MM2, _CHIP_NRE_55_FIXED = _node_nre_factors(
    ACTUARY_PARAMETERS["nodes"][55]["NRE"]
)


@dataclass(frozen=True)
class _AdvancedParams:
    """Constants of one interposer-based package (spec.py:33-37,48-49,56-57,63-64,66-67,70-71)."""

    wafer_cost_usd: float
    defect_density_per_cm2: float
    critical_level: float
    bonding_yield_per_chip: float
    area_scale_factor: float
    nre_cost_per_mm2: float
    nre_cost_fixed_usd: float


_FO_PARAMS = _AdvancedParams(
    wafer_cost_usd=_FO["wafer_cost"],
    defect_density_per_cm2=_FO["defect_density"],
    critical_level=_FO["critical_level"],
    bonding_yield_per_chip=_FO["bonding_yield"],
    area_scale_factor=_FO["area_scale_factor"],
    nre_cost_per_mm2=0.5 * _FO["NRE"] / 300.0,  # spec.py:33
    nre_cost_fixed_usd=0.5 * _FO["NRE"] / 300.0,  # spec.py:34 (sic: also divided by 300)
)
_SI_PARAMS = _AdvancedParams(
    wafer_cost_usd=ACTUARY_PARAMETERS["nodes"][55]["wafer_cost"],  # spec.py:57: a 55 nm wafer
    defect_density_per_cm2=_SI["defect_density"],
    critical_level=_SI["critical_level"],
    bonding_yield_per_chip=_SI["bonding_yield"],
    area_scale_factor=_SI["area_scale_factor"],
    nre_cost_per_mm2=_CHIP_NRE_55_PER_MM2 * 1.2,  # spec.py:36
    nre_cost_fixed_usd=_CHIP_NRE_55_FIXED * 1.2,  # spec.py:37
)
_ADVANCED = {"fo-chip-first": _FO_PARAMS, "fo-chip-last": _FO_PARAMS, "si": _SI_PARAMS}
