"""A monolithic SoC against the same logic split into chiplets (``exploration.py``)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from hwsim.engine.packaging.cost import ChipSpec
from hwsim.engine.packaging.errors import InvalidAreaError, _check_area, _check_count, normalize_node
from hwsim.engine.packaging.nre import SystemCost, system_cost


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
