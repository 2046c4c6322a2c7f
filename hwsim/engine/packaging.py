"""Chiplet packaging recurring cost, yield and NRE: the *Chiplet Actuary* model.

Source
------
Yinxiao Feng and Kaisheng Ma, "Chiplet Actuary: A Quantitative Cost Model and Multi-Chiplet
Architecture Exploration", Proc. 59th ACM/IEEE Design Automation Conference (DAC), 2022.
Open-source model: GitHub ``Yinxiao-Feng/chiplet-actuary`` (MIT licence). The formulas below were
re-implemented (not copied) from its files ``chiplet_actuary/chip.py``, ``package.py``, ``module.py``,
``spec.py`` and ``utils.py`` (commit b85c29f); the parameter table is its ``parameter.ini``
(commit 2c91fb9, Dec 2024), embedded here as :data:`ACTUARY_PARAMETERS` so nothing is read from disk.
References of the form ``chip.py:47`` point at lines of that source.

Units: money in US dollars (USD), areas in mm², defect density in defects per cm², lengths in mm.

Model summary
-------------
* Die yield, negative binomial (``chip.py:47``)::

      Y = (1 + D0 · A / 100 / α) ** (−α)      D0 in /cm², A in mm² (÷100 → cm²), α = 10

* Dies per wafer with scribe lane ``s`` = 0.2 mm and edge loss ``e`` = 5 mm on a ``d`` = 300 mm wafer
  (``chip.py:54-56``; not rounded down, exactly as the model)::

      A' = A + 2·s·√A + s²  (= (√A + s)²)
      N  = π·(d/2 − e)² / A'  −  π·(d − 2e) / √(2·A')

* Raw die cost = wafer cost / N; known-good-die (KGD) cost = wafer cost / (N·Y); chip defect cost =
  KGD − raw (``chip.py:59-66``).
* Packages (``package.py``):

  - ``os`` organic substrate: substrate area = 4 × Σ chip area; raw substrate cost = area × $0.005/mm² ×
    layer factor (1 for a single chip, else 1.5 / 1.75 above 17×17 mm² / 2 above 30×30 mm²); C4 bumps
    $0.005/mm² of die; bonding yield 0.99 per chip (``package.py:112-135``).
  - ``fo-chip-last`` / ``fo-chip-first`` fan-out RDL and ``si`` silicon interposer: interposer (RDL)
    area = Σ chip area × area_scale_factor (FO 1.2, SI 1.1); interposer yield is negative-binomial with
    its own D0 and α (FO 0.05/cm², α 3; SI 0.06/cm², α 6); interposers per wafer use the die formula;
    interposer cost = wafer cost / N + area × $0.005/mm² (C4); the organic substrate under it is 4 ×
    interposer area × $0.005/mm²; chips carry µbumps at $0.01/mm² (``package.py:170-221``).
  - yields: y1 = interposer yield, y2 = bonding_yield^n (FO 0.98, SI 0.95), y3 = 0.99 (interposer onto
    substrate). **Chip-last** (and ``si``): the interposer is made and tested before the KGDs are bonded,
    so a bad interposer wastes only itself: package defects = C_int·(1/(y1·y2·y3) − 1) + C_sub·(1/y3 − 1),
    wasted KGD = chips·(1/(y2·y3) − 1). **Chip-first**: the RDL is built on the placed KGDs, so an RDL
    failure throws the dies away: package defects = C_int·(1/(y1·y3) − 1) + C_sub·(1/y3 − 1), wasted
    KGD = chips·(1/(y1·y3) − 1) (``package.py:208-219``).

* Recurring cost per good package = raw chips + chip defects + raw package + package defects +
  wasted KGD (the tuple of ``Package.cost_RE``).
* NRE (``spec.py:10-37``, ``module.py``, ``chip.py:44``, ``package.py:100-110,176-178``): per node
  NRE ``K`` (for a 300 mm² chip incl. first tape-out); module NRE = 0.5·K/300 per mm² of module; chip
  NRE = 0.3·K/300 per mm² of chip + 0.2·K fixed; a die-to-die (D2D) PHY module is charged as a 20 mm²
  module once per node; package NRE: OS = area·$3000/mm²·layer factor + $300 000; FO = interposer
  area·$25 000/mm² + $25 000 + substrate area·$0.005; SI = interposer area·1.2·(55 nm chip factor) +
  1.2·(55 nm chip fixed) + substrate area·$0.005. Amortised per unit = total NRE / production volume
  (``utils.py: system_total_apporitioned_NRE_cost`` for a single system).

Deliberate difference from the source
-------------------------------------
``package.py:206`` adds the µbump cost ``chip.area × 0.01`` once per *chip type* (outside ``× num``),
while the OS branch (``package.py:128``) charges C4 bumps per chip instance. The paper's own
SoC-vs-chiplet exploration (``exploration.py: single_system_RE_cost``) builds n distinct chiplets of
count 1, so each instance pays its bumps there; this module always charges µbumps per instance.
With distinct chiplets (every count = 1) the results are identical to the source.

This module is pure Python (no Django) and keeps per-node/per-area look-ups in small caches, so a
sweep of a thousand configurations is a few milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from types import MappingProxyType

__all__ = [
    "ACTUARY_PARAMETERS",
    "PACKAGE_TYPES",
    "KNOWN_NODES",
    "PackagingError",
    "UnknownNodeError",
    "UnknownPackageError",
    "InvalidAreaError",
    "AreaTooLargeError",
    "DieTooLargeError",
    "InterposerTooLargeError",
    "InvalidCountError",
    "InvalidVolumeError",
    "NodeParams",
    "DieCost",
    "ChipSpec",
    "CostParts",
    "PackageCost",
    "NreCost",
    "SystemCost",
    "SocChipletComparison",
    "negative_binomial_yield",
    "dies_per_wafer",
    "node_params",
    "normalize_node",
    "die_cost",
    "package_cost",
    "module_nre",
    "d2d_nre",
    "chip_nre",
    "package_nre",
    "system_nre",
    "system_cost",
    "compare_soc_vs_chiplets",
]

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


# --------------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------------
class PackagingError(ValueError):
    """Base class of every bad-input error raised by this module."""


class UnknownNodeError(PackagingError):
    """The process node is not a row of the parameter table."""


class UnknownPackageError(PackagingError):
    """The package type is not one of :data:`PACKAGE_TYPES`."""


class InvalidAreaError(PackagingError):
    """An area is non-positive, not finite, or otherwise inconsistent."""


class AreaTooLargeError(InvalidAreaError):
    """A die or interposer is too large for the model's dies-per-wafer formula (< 1 per wafer)."""


class DieTooLargeError(AreaTooLargeError):
    """Fewer than one die of this area fits on a 300 mm wafer by the model's formula."""


class InterposerTooLargeError(AreaTooLargeError):
    """Fewer than one interposer/RDL of this area fits on a 300 mm wafer by the model's formula."""


class InvalidCountError(PackagingError):
    """A chip count / chiplet number is not a positive integer, or a package holds no chip."""


class InvalidVolumeError(PackagingError):
    """A production volume is not a positive integer."""


# --------------------------------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------------------------------
def _check_area(area_mm2: float, what: str = "area") -> float:
    if isinstance(area_mm2, bool) or not isinstance(area_mm2, (int, float)):
        raise InvalidAreaError(f"{what} must be a number of mm², got {area_mm2!r}")
    area = float(area_mm2)
    if not math.isfinite(area) or area <= 0.0:
        raise InvalidAreaError(f"{what} must be a positive finite number of mm², got {area_mm2!r}")
    return area


def _check_count(count: int, what: str = "count") -> int:
    if isinstance(count, bool) or not isinstance(count, int):
        raise InvalidCountError(f"{what} must be a positive integer, got {count!r}")
    if count < 1:
        raise InvalidCountError(f"{what} must be a positive integer, got {count!r}")
    return count


def _check_volume(volume: int) -> int:
    if isinstance(volume, bool) or not isinstance(volume, int) or volume < 1:
        raise InvalidVolumeError(f"production volume must be a positive integer, got {volume!r}")
    return volume


def normalize_node(node: int | str) -> int:
    """Return the node in nm as an ``int`` (accepts ``5``, ``"5"``, ``"5nm"``, ``"5 nm"``).

    Raises :class:`UnknownNodeError` when it is not one of :data:`KNOWN_NODES`.
    """
    value: object = node
    if isinstance(node, str):
        text = node.strip().lower().removesuffix("nm").strip()
        try:
            value = int(text)
        except ValueError:
            value = None
    elif isinstance(node, float) and node.is_integer():
        value = int(node)
    if isinstance(value, bool) or not isinstance(value, int) or value not in ACTUARY_PARAMETERS["nodes"]:
        known = ", ".join(str(n) for n in KNOWN_NODES)
        raise UnknownNodeError(f"unknown process node {node!r}; known nodes (nm): {known}")
    return value


def _check_package(package: str) -> str:
    key = package.strip().lower() if isinstance(package, str) else package
    if key not in PACKAGE_TYPES:
        raise UnknownPackageError(f"unknown package type {package!r}; expected one of: {', '.join(PACKAGE_TYPES)}")
    return key


# --------------------------------------------------------------------------------------------------
# Die level
# --------------------------------------------------------------------------------------------------
def negative_binomial_yield(area_mm2: float, defect_density_per_cm2: float, critical_level: float) -> float:
    """Negative-binomial yield ``(1 + D0·A/100/α)^(−α)`` (``chip.py:47``, ``package.py:181``).

    ``area_mm2`` in mm², ``defect_density_per_cm2`` in defects/cm² (the ``/100`` converts mm² to cm²),
    ``critical_level`` α is the clustering parameter (10 for dies, 3 for FO RDL, 6 for SI).
    """
    return (1.0 + defect_density_per_cm2 / 100.0 * area_mm2 / critical_level) ** (-critical_level)


def _raw_dies_per_wafer(area_mm2: float) -> float:
    area_with_scribe = area_mm2 + 2.0 * SCRIBE_LANE_MM * math.sqrt(area_mm2) + SCRIBE_LANE_MM**2
    return math.pi * (WAFER_DIAMETER_MM / 2.0 - EDGE_LOSS_MM) ** 2 / area_with_scribe - math.pi * (
        WAFER_DIAMETER_MM - 2.0 * EDGE_LOSS_MM
    ) / math.sqrt(2.0 * area_with_scribe)


def dies_per_wafer(area_mm2: float) -> float:
    """Gross dies (or interposers) per 300 mm wafer, ``chip.py:54-56`` / ``package.py:185-189``.

    ``A' = A + 2·s·√A + s²`` (s = 0.2 mm scribe lane) and
    ``N = π·(d/2 − e)²/A' − π·(d − 2e)/√(2·A')`` with d = 300 mm, e = 5 mm edge loss.
    Not rounded (the model uses the real value). Raises :class:`DieTooLargeError` when N < 1.
    """
    area = _check_area(area_mm2, "die area")
    n = _raw_dies_per_wafer(area)
    if n < 1.0:
        raise DieTooLargeError(
            f"a {area:g} mm² die gives {n:.3g} dies per {WAFER_DIAMETER_MM:g} mm wafer (< 1); "
            "it does not fit on the wafer in this model"
        )
    return n


@dataclass(frozen=True)
class NodeParams:
    """One row of the parameter table plus the NRE factors derived from it (``spec.py:17-28``)."""

    node_nm: int
    defect_density_per_cm2: float
    wafer_cost_usd: float
    nre_usd: float  #: NRE of a 300 mm² chip including the first tape-out, $
    module_nre_per_mm2: float  #: 0.5·NRE/300, $/mm²
    chip_nre_per_mm2: float  #: 0.3·NRE/300, $/mm²
    chip_nre_fixed_usd: float  #: 0.2·NRE, $


@cache
def _node_params(node_nm: int) -> NodeParams:
    row = ACTUARY_PARAMETERS["nodes"][node_nm]
    module_f, chip_f, chip_fixed = _node_nre_factors(row["NRE"])
    return NodeParams(
        node_nm=node_nm,
        defect_density_per_cm2=row["defect_density"],
        wafer_cost_usd=row["wafer_cost"],
        nre_usd=row["NRE"],
        module_nre_per_mm2=module_f,
        chip_nre_per_mm2=chip_f,
        chip_nre_fixed_usd=chip_fixed,
    )


def node_params(node: int | str) -> NodeParams:
    """Parameters of a process node (nm); :class:`UnknownNodeError` if not in the table."""
    return _node_params(normalize_node(node))


@dataclass(frozen=True)
class DieCost:
    """Cost and yield of one die design (``chip.py:46-66``). Money in USD, area in mm²."""

    node_nm: int
    area_mm2: float
    dies_per_wafer: float  #: gross dies per wafer (not rounded)
    die_yield: float
    raw_die_cost_usd: float  #: wafer cost / dies per wafer
    kgd_cost_usd: float  #: wafer cost / (dies per wafer · yield)

    @property
    def good_dies_per_wafer(self) -> float:
        """Known-good dies per wafer ``N·Y`` (``chip.py:51``)."""
        return self.dies_per_wafer * self.die_yield

    @property
    def defect_cost_usd(self) -> float:
        """Cost of the defective dies carried by each good die: KGD − raw (``chip.py:66``)."""
        return self.kgd_cost_usd - self.raw_die_cost_usd


@lru_cache(maxsize=8192)
def _die_cost(node_nm: int, area_mm2: float) -> DieCost:
    p = _node_params(node_nm)
    n = dies_per_wafer(area_mm2)
    y = negative_binomial_yield(area_mm2, p.defect_density_per_cm2, DIE_CRITICAL_LEVEL)
    return DieCost(
        node_nm=node_nm,
        area_mm2=area_mm2,
        dies_per_wafer=n,
        die_yield=y,
        raw_die_cost_usd=p.wafer_cost_usd / n,
        kgd_cost_usd=p.wafer_cost_usd / (n * y),
    )


def die_cost(node: int | str, area_mm2: float) -> DieCost:
    """Dies per wafer, yield, raw and known-good-die cost of a die of ``area_mm2`` at ``node``.

    Raises :class:`UnknownNodeError`, :class:`InvalidAreaError` or :class:`DieTooLargeError`.
    """
    return _die_cost(normalize_node(node), _check_area(area_mm2, "die area"))


# --------------------------------------------------------------------------------------------------
# Package level
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChipSpec:
    """One chip design placed ``count`` times in a package.

    ``area_mm2`` is the whole die (including any die-to-die PHY); ``d2d_area_mm2`` (≤ area) is the part
    of it that is a D2D PHY — it only matters for NRE (the PHY is designed once per node). Each
    ``ChipSpec`` given to :func:`system_nre` counts as a separate design.
    """

    node: int | str
    area_mm2: float
    count: int = 1
    d2d_area_mm2: float = 0.0
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "node", normalize_node(self.node))
        object.__setattr__(self, "area_mm2", _check_area(self.area_mm2, "chip area"))
        _check_count(self.count, "chip count")
        d2d = self.d2d_area_mm2
        if isinstance(d2d, bool) or not isinstance(d2d, (int, float)) or not math.isfinite(d2d):
            raise InvalidAreaError(f"D2D area must be a finite number of mm², got {d2d!r}")
        if d2d < 0 or d2d >= self.area_mm2:
            raise InvalidAreaError(
                f"D2D area must be ≥ 0 and smaller than the chip area ({self.area_mm2:g} mm²), got {d2d!r}"
            )
        object.__setattr__(self, "d2d_area_mm2", float(d2d))

    @property
    def node_nm(self) -> int:
        """The node as an int (nm)."""
        return self.node  # type: ignore[return-value]  # normalised in __post_init__


@dataclass(frozen=True)
class CostParts:
    """The five recurring-cost parts per good package, USD (``Package.cost_RE`` order)."""

    raw_chips_usd: float  #: raw dies + bump cost
    chip_defects_usd: float  #: defective dies paid for by each KGD
    raw_package_usd: float  #: interposer/RDL + substrate (or substrate only for OS)
    package_defects_usd: float  #: package parts lost to package yield and bonding failures
    wasted_kgd_usd: float  #: good dies thrown away with failed packages

    @property
    def total_usd(self) -> float:
        """Sum of the five parts."""
        return (
            self.raw_chips_usd
            + self.chip_defects_usd
            + self.raw_package_usd
            + self.package_defects_usd
            + self.wasted_kgd_usd
        )

    def as_dict(self) -> dict[str, float]:
        """The five parts keyed ``raw_chips_usd`` … ``wasted_kgd_usd``."""
        return {
            "raw_chips_usd": self.raw_chips_usd,
            "chip_defects_usd": self.chip_defects_usd,
            "raw_package_usd": self.raw_package_usd,
            "package_defects_usd": self.package_defects_usd,
            "wasted_kgd_usd": self.wasted_kgd_usd,
        }


@dataclass(frozen=True)
class PackageCost:
    """Recurring cost of one good package (USD) with its areas (mm²) and yields."""

    package: str
    chips: tuple[ChipSpec, ...]
    dies: tuple[DieCost, ...]  #: cost of each chip design, same order as ``chips``
    chip_count: int
    total_chip_area_mm2: float
    interposer_area_mm2: float | None  #: RDL / silicon interposer area; ``None`` for ``os``
    package_area_mm2: float  #: organic substrate area
    interposer_yield: float  #: y1; 1.0 for ``os`` (no interposer)
    bonding_yield_per_chip: float
    chip_bonding_yield: float  #: bonding_yield_per_chip ** chip_count (y2; OS: 0.99**n)
    substrate_bonding_yield: float  #: y3 = 0.99 interposer→substrate; 1.0 for ``os``
    substrate_layer_factor: float  #: OS layer factor 1/1.5/1.75/2; 1.0 for FO/SI
    interposer_cost_usd: float | None  #: raw interposer incl. C4 bumps; ``None`` for ``os``
    substrate_cost_usd: float  #: raw organic substrate
    parts: CostParts

    @property
    def package_yield(self) -> float:
        """Yield of the interposer/RDL itself (``Advanced.package_yield``); 1.0 for ``os``."""
        return self.interposer_yield

    @property
    def raw_package_cost_usd(self) -> float:
        """Raw interposer + substrate cost (``cost_raw_package``)."""
        return self.parts.raw_package_usd

    @property
    def total_cost_usd(self) -> float:
        """Recurring cost per good package (sum of the five parts)."""
        return self.parts.total_usd


def _as_chips(chips: ChipSpec | Iterable[ChipSpec]) -> tuple[ChipSpec, ...]:
    if isinstance(chips, ChipSpec):
        return (chips,)
    result = tuple(chips)
    if not result:
        raise InvalidCountError("a package needs at least one chip")
    for chip in result:
        if not isinstance(chip, ChipSpec):
            raise TypeError(f"expected ChipSpec, got {type(chip).__name__}")
    return result


def _os_layer_factor(chip_count: int, substrate_area_mm2: float) -> float:
    """Substrate layer factor, ``package.py:101-109`` / ``113-121``."""
    if chip_count == 1:
        return 1.0
    if substrate_area_mm2 > 30 * 30:
        return 2.0
    if substrate_area_mm2 > 17 * 17:
        return 1.75
    return 1.5


@lru_cache(maxsize=4096)
def _interposer(key: str, interposer_area_mm2: float) -> tuple[float, float]:
    """(yield y1, raw interposer cost incl. C4) of an interposer, ``package.py:180-194``."""
    p = _ADVANCED[key]
    n = _raw_dies_per_wafer(interposer_area_mm2)
    if n < 1.0:
        raise InterposerTooLargeError(
            f"a {interposer_area_mm2:g} mm² interposer/RDL gives {n:.3g} per wafer (< 1); "
            "the package is too large for this model"
        )
    y1 = negative_binomial_yield(interposer_area_mm2, p.defect_density_per_cm2, p.critical_level)
    return y1, p.wafer_cost_usd / n + interposer_area_mm2 * C4_BUMP_COST_PER_MM2


def package_cost(chips: ChipSpec | Iterable[ChipSpec], package: str = "os") -> PackageCost:
    """Recurring cost per good package of ``chips`` in ``package`` (``package.py`` ``cost_RE``).

    ``package`` is one of ``os``, ``fo-chip-first``, ``fo-chip-last``, ``si``. See the module
    docstring for the formulas; µbumps are charged per chip instance (the one deviation from
    ``package.py:206``, documented above).
    """
    key = _check_package(package)
    specs = _as_chips(chips)
    dies = tuple(_die_cost(c.node_nm, c.area_mm2) for c in specs)
    n_chips = sum(c.count for c in specs)
    chip_area = sum(c.area_mm2 * c.count for c in specs)  # package.py:28-35
    defect_chips = sum(d.defect_cost_usd * c.count for c, d in zip(specs, dies))

    if key == "os":
        # package.py:97-135
        substrate_area = chip_area * OS_AREA_SCALE_FACTOR
        layer = _os_layer_factor(n_chips, substrate_area)
        raw_package = substrate_area * OS_RE_COST_PER_MM2 * layer
        raw_chips = sum((d.raw_die_cost_usd + c.area_mm2 * C4_BUMP_COST_PER_MM2) * c.count for c, d in zip(specs, dies))
        bond = OS_BONDING_YIELD**n_chips
        loss = 1.0 / bond - 1.0
        parts = CostParts(
            raw_chips_usd=raw_chips,
            chip_defects_usd=defect_chips,
            raw_package_usd=raw_package,
            package_defects_usd=raw_package * loss,
            wasted_kgd_usd=(raw_chips + defect_chips) * loss,
        )
        return PackageCost(
            package=key,
            chips=specs,
            dies=dies,
            chip_count=n_chips,
            total_chip_area_mm2=chip_area,
            interposer_area_mm2=None,
            package_area_mm2=substrate_area,
            interposer_yield=1.0,
            bonding_yield_per_chip=OS_BONDING_YIELD,
            chip_bonding_yield=bond,
            substrate_bonding_yield=1.0,
            substrate_layer_factor=layer,
            interposer_cost_usd=None,
            substrate_cost_usd=raw_package,
            parts=parts,
        )

    # Advanced packages, package.py:170-221
    p = _ADVANCED[key]
    interposer_area = chip_area * p.area_scale_factor
    substrate_area = interposer_area * OS_AREA_SCALE_FACTOR
    y1, interposer_cost = _interposer(key, interposer_area)
    substrate_cost = substrate_area * OS_RE_COST_PER_MM2
    raw_chips = sum(
        (d.raw_die_cost_usd + c.area_mm2 * U_BUMP_COST_PER_MM2) * c.count for c, d in zip(specs, dies)
    )  # µbumps per instance (package.py:206 adds them once per chip type)
    y2 = p.bonding_yield_per_chip**n_chips
    y3 = OS_BONDING_YIELD
    kgd = raw_chips + defect_chips
    if key == "fo-chip-first":  # package.py:216-219
        package_defects = interposer_cost * (1.0 / (y1 * y3) - 1.0) + substrate_cost * (1.0 / y3 - 1.0)
        wasted = kgd * (1.0 / (y1 * y3) - 1.0)
    else:  # chip-last, and SI (always chip_last=1, package.py:242), package.py:211-214
        package_defects = interposer_cost * (1.0 / (y1 * y2 * y3) - 1.0) + substrate_cost * (1.0 / y3 - 1.0)
        wasted = kgd * (1.0 / (y2 * y3) - 1.0)
    parts = CostParts(
        raw_chips_usd=raw_chips,
        chip_defects_usd=defect_chips,
        raw_package_usd=interposer_cost + substrate_cost,
        package_defects_usd=package_defects,
        wasted_kgd_usd=wasted,
    )
    return PackageCost(
        package=key,
        chips=specs,
        dies=dies,
        chip_count=n_chips,
        total_chip_area_mm2=chip_area,
        interposer_area_mm2=interposer_area,
        package_area_mm2=substrate_area,
        interposer_yield=y1,
        bonding_yield_per_chip=p.bonding_yield_per_chip,
        chip_bonding_yield=y2,
        substrate_bonding_yield=y3,
        substrate_layer_factor=1.0,
        interposer_cost_usd=interposer_cost,
        substrate_cost_usd=substrate_cost,
        parts=parts,
    )


# --------------------------------------------------------------------------------------------------
# NRE
# --------------------------------------------------------------------------------------------------
def module_nre(node: int | str, area_mm2: float) -> float:
    """NRE of designing a module of ``area_mm2`` at ``node``: 0.5·K/300 · area, $ (``module.py:32``)."""
    return node_params(node).module_nre_per_mm2 * _check_area(area_mm2, "module area")


def d2d_nre(node: int | str) -> float:
    """NRE of the D2D PHY module of a node, charged as a 20 mm² module, $ (``module.py:43``)."""
    return node_params(node).module_nre_per_mm2 * D2D_NRE_AREA_MM2


def chip_nre(node: int | str, area_mm2: float) -> float:
    """Chip-level NRE (excluding modules): 0.3·K/300 · area + 0.2·K, $ (``chip.py:44``)."""
    p = node_params(node)
    return p.chip_nre_per_mm2 * _check_area(area_mm2, "chip area") + p.chip_nre_fixed_usd


def package_nre(chips: ChipSpec | Iterable[ChipSpec], package: str = "os") -> float:
    """Package design NRE, $ (``package.py:100-110`` for OS, ``176-178`` for FO/SI)."""
    key = _check_package(package)
    specs = _as_chips(chips)
    n_chips = sum(c.count for c in specs)
    chip_area = sum(c.area_mm2 * c.count for c in specs)
    if key == "os":
        area = chip_area * OS_AREA_SCALE_FACTOR
        return area * OS_NRE_COST_PER_MM2 * _os_layer_factor(n_chips, area) + OS_NRE_COST_FIXED
    p = _ADVANCED[key]
    interposer_area = chip_area * p.area_scale_factor
    return (
        interposer_area * p.nre_cost_per_mm2
        + p.nre_cost_fixed_usd
        + interposer_area * OS_AREA_SCALE_FACTOR * OS_RE_COST_PER_MM2
    )


@dataclass(frozen=True)
class NreCost:
    """NRE of one system (USD) and its amortisation over ``volume`` packages."""

    module_usd: float
    chip_usd: float
    package_usd: float
    volume: int

    @property
    def total_usd(self) -> float:
        """Module + chip + package NRE."""
        return self.module_usd + self.chip_usd + self.package_usd

    @property
    def per_unit_usd(self) -> float:
        """Total NRE / volume (``utils.py: system_total_apporitioned_NRE_cost`` for one system)."""
        return self.total_usd / self.volume

    def as_dict(self) -> dict[str, float | int]:
        """Fields and derived totals, for JSON."""
        return {
            "volume": self.volume,
            "module_usd": self.module_usd,
            "chip_usd": self.chip_usd,
            "package_usd": self.package_usd,
            "total_usd": self.total_usd,
            "per_unit_usd": self.per_unit_usd,
        }


def system_nre(chips: ChipSpec | Iterable[ChipSpec], package: str, volume: int) -> NreCost:
    """NRE of a single system amortised over ``volume`` good packages.

    Each ``ChipSpec`` is one chip design holding one functional module of ``area − d2d_area`` mm²
    (module NRE) plus, when ``d2d_area_mm2 > 0``, the node's D2D PHY module, whose NRE is charged once
    per node (the source's D2D modules compare equal per node, ``chip.py:71``, ``module.py:35-43``).
    Chip NRE is per design (``chip.py:44``); package NRE per system.
    """
    vol = _check_volume(volume)
    specs = _as_chips(chips)
    module_total = 0.0
    chip_total = 0.0
    d2d_nodes: set[int] = set()
    for c in specs:
        p = _node_params(c.node_nm)
        module_total += p.module_nre_per_mm2 * (c.area_mm2 - c.d2d_area_mm2)
        chip_total += p.chip_nre_per_mm2 * c.area_mm2 + p.chip_nre_fixed_usd
        if c.d2d_area_mm2 > 0:
            d2d_nodes.add(c.node_nm)
    module_total += sum(_node_params(n).module_nre_per_mm2 * D2D_NRE_AREA_MM2 for n in sorted(d2d_nodes))
    return NreCost(module_usd=module_total, chip_usd=chip_total, package_usd=package_nre(specs, package), volume=vol)


@dataclass(frozen=True)
class SystemCost:
    """Recurring cost per good package plus, optionally, NRE amortised over a volume (USD)."""

    recurring: PackageCost
    nre: NreCost | None = None

    @property
    def total_per_unit_usd(self) -> float:
        """Recurring cost + amortised NRE per unit (recurring only when no volume was given)."""
        return self.recurring.total_cost_usd + (self.nre.per_unit_usd if self.nre else 0.0)


def system_cost(chips: ChipSpec | Iterable[ChipSpec], package: str = "os", volume: int | None = None) -> SystemCost:
    """:func:`package_cost` plus :func:`system_nre` when ``volume`` is given."""
    specs = _as_chips(chips)
    recurring = package_cost(specs, package)
    return SystemCost(recurring=recurring, nre=None if volume is None else system_nre(specs, package, volume))


@dataclass(frozen=True)
class SocChipletComparison:
    """A monolithic SoC against the same logic split into ``n_chiplets`` chiplets."""

    node_nm: int
    soc_area_mm2: float
    n_chiplets: int
    chiplet_area_mm2: float  #: each chiplet incl. its D2D PHY
    soc: SystemCost
    chiplets: SystemCost

    @property
    def cost_ratio(self) -> float:
        """Chiplet system cost / SoC cost per unit (< 1: chiplets are cheaper)."""
        return self.chiplets.total_per_unit_usd / self.soc.total_per_unit_usd

    @property
    def saving_usd(self) -> float:
        """SoC cost − chiplet cost per unit, $ (positive: chiplets save money)."""
        return self.soc.total_per_unit_usd - self.chiplets.total_per_unit_usd


def compare_soc_vs_chiplets(
    node: int | str,
    soc_area_mm2: float,
    n_chiplets: int,
    package: str = "fo-chip-last",
    *,
    soc_package: str = "os",
    d2d_area_ratio: float = 0.1,
    volume: int | None = None,
    distinct_designs: bool = True,
) -> SocChipletComparison:
    """Compare a monolithic SoC of ``soc_area_mm2`` with ``n_chiplets`` chiplets of the same logic.

    Follows ``exploration.py: single_system_RE_cost`` / ``single_system_total_cost``: each chiplet
    holds ``soc_area/n`` mm² of module plus a D2D PHY of ``d2d_area_ratio`` × that (0.1 in the paper),
    so chiplet area = ``soc_area/n · (1 + d2d_area_ratio)``; the SoC sits on ``soc_package`` (OS in
    the paper). ``distinct_designs=True`` makes the chiplets n different designs (a partitioned SoC:
    n module + chip NREs); ``False`` reuses one chiplet design n times (one NRE). NRE only when
    ``volume`` is given.
    """
    node_nm = normalize_node(node)
    soc_area = _check_area(soc_area_mm2, "SoC area")
    n = _check_count(n_chiplets, "number of chiplets")
    if (
        isinstance(d2d_area_ratio, bool)
        or not isinstance(d2d_area_ratio, (int, float))
        or not (math.isfinite(d2d_area_ratio) and d2d_area_ratio >= 0)
    ):
        raise InvalidAreaError(f"D2D area ratio must be a finite number ≥ 0, got {d2d_area_ratio!r}")
    module_area = soc_area / n
    d2d_area = module_area * d2d_area_ratio
    chiplet_area = module_area + d2d_area
    soc = system_cost(ChipSpec(node_nm, soc_area, name="soc"), soc_package, volume)
    if distinct_designs:
        specs = tuple(ChipSpec(node_nm, chiplet_area, 1, d2d_area, name=f"chiplet{i}") for i in range(n))
    else:
        specs = (ChipSpec(node_nm, chiplet_area, n, d2d_area, name="chiplet"),)
    return SocChipletComparison(
        node_nm=node_nm,
        soc_area_mm2=soc_area,
        n_chiplets=n,
        chiplet_area_mm2=chiplet_area,
        soc=soc,
        chiplets=system_cost(specs, package, volume),
    )
