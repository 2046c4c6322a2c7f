"""Die level: negative-binomial yield, dies per wafer and die cost (``chip.py``)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache, lru_cache

from hwsim.engine.packaging.errors import DieTooLargeError, _check_area, normalize_node
from hwsim.engine.packaging.params import (
    ACTUARY_PARAMETERS,
    DIE_CRITICAL_LEVEL,
    EDGE_LOSS_MM,
    SCRIBE_LANE_MM,
    WAFER_DIAMETER_MM,
    _node_nre_factors,
)


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
