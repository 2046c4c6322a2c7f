"""Package level: recurring cost of chips in an OS / FO / SI package (``package.py``)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from hwsim.engine.packaging.die import DieCost, _die_cost, _raw_dies_per_wafer, negative_binomial_yield
from hwsim.engine.packaging.errors import (
    InterposerTooLargeError,
    InvalidAreaError,
    InvalidCountError,
    _check_area,
    _check_count,
    _check_package,
    normalize_node,
)
from hwsim.engine.packaging.params import (
    _ADVANCED,
    C4_BUMP_COST_PER_MM2,
    OS_AREA_SCALE_FACTOR,
    OS_BONDING_YIELD,
    OS_RE_COST_PER_MM2,
    U_BUMP_COST_PER_MM2,
)


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
