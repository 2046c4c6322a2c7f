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

Modules: ``params`` (parameter table), ``errors`` (errors, validation), ``die`` (yield, dies per wafer,
die cost), ``cost`` (package recurring cost), ``nre`` (NRE, system cost), ``soc_vs_chiplet``; this package
re-exports their public names so ``from hwsim.engine.packaging import package_cost`` keeps working.

This package is pure Python (no Django) and keeps per-node/per-area look-ups in small caches, so a
sweep of a thousand configurations is a few milliseconds.
"""

from __future__ import annotations

from hwsim.engine.packaging.cost import (  # noqa: F401
    ChipSpec,
    CostParts,
    PackageCost,
    _as_chips,
    _interposer,
    package_cost,
)
from hwsim.engine.packaging.die import (  # noqa: F401
    DieCost,
    NodeParams,
    _die_cost,
    _node_params,
    die_cost,
    dies_per_wafer,
    negative_binomial_yield,
    node_params,
)
from hwsim.engine.packaging.errors import (  # noqa: F401
    AreaTooLargeError,
    DieTooLargeError,
    InterposerTooLargeError,
    InvalidAreaError,
    InvalidCountError,
    InvalidVolumeError,
    PackagingError,
    UnknownNodeError,
    UnknownPackageError,
    _check_area,
    _check_count,
    normalize_node,
)
from hwsim.engine.packaging.nre import (  # noqa: F401
    NreCost,
    SystemCost,
    chip_nre,
    d2d_nre,
    module_nre,
    package_nre,
    system_cost,
    system_nre,
)
from hwsim.engine.packaging.params import (  # noqa: F401
    ACTUARY_PARAMETERS,
    C4_BUMP_COST_PER_MM2,
    D2D_NRE_AREA_MM2,
    DIE_CRITICAL_LEVEL,
    EDGE_LOSS_MM,
    KNOWN_NODES,
    OS_AREA_SCALE_FACTOR,
    OS_BONDING_YIELD,
    OS_NRE_COST_FIXED,
    OS_NRE_COST_PER_MM2,
    OS_RE_COST_PER_MM2,
    PACKAGE_TYPES,
    SCRIBE_LANE_MM,
    U_BUMP_COST_PER_MM2,
    WAFER_DIAMETER_MM,
)
from hwsim.engine.packaging.soc_vs_chiplet import (  # noqa: F401
    SocChipletComparison,
    compare_soc_vs_chiplets,
)

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
