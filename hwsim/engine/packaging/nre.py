"""Non-recurring engineering cost (NRE) and system cost per unit (``spec.py``, ``module.py``, ``utils.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hwsim.engine.packaging.cost import ChipSpec, PackageCost, _as_chips, _os_layer_factor, package_cost
from hwsim.engine.packaging.die import _node_params, node_params
from hwsim.engine.packaging.errors import _check_area, _check_package, _check_volume
from hwsim.engine.packaging.params import (
    _ADVANCED,
    D2D_NRE_AREA_MM2,
    OS_AREA_SCALE_FACTOR,
    OS_NRE_COST_FIXED,
    OS_NRE_COST_PER_MM2,
    OS_RE_COST_PER_MM2,
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
