"""``python -m hwsim package``: chiplet packaging recurring cost and yield (Chiplet Actuary, DAC 2022).

Computes, with :mod:`hwsim.engine.packaging` (the Chiplet Actuary model of Feng & Ma, DAC 2022), the
cost of one good package holding either one monolithic die (``--die-area``) or ``--chiplets N``
identical chiplets of ``--chiplet-area`` mm² each, on an organic substrate (``os``), fan-out RDL
(``fo-chip-first`` / ``fo-chip-last``) or silicon interposer (``si``).

Examples::

    python -m hwsim package --node 5 --die-area 800 --json
    python -m hwsim package --node 5 --chiplets 4 --chiplet-area 220 --package fo-chip-last --json
    python -m hwsim package --node 7 --chiplets 2 --chiplet-area 330 --package si --volume 500000 --compare

Exit codes: 0 success; 2 bad input (message on stderr, no traceback).

JSON contract (``--json``; one object on stdout; money in USD, areas in mm², yields in [0, 1]; floats
are not rounded):

=============================  ====================================================================
key                            meaning
=============================  ====================================================================
``model``                      ``"chiplet-actuary"`` (Feng & Ma, DAC 2022)
``mode``                       ``"monolithic"`` or ``"chiplets"``
``node_nm``                    process node, int
``package``                    ``os`` | ``fo-chip-first`` | ``fo-chip-last`` | ``si``
``chip_count``                 dies in the package (1 for monolithic)
``die_area_mm2``               area of one die (incl. D2D PHY for chiplets)
``dies_per_wafer``             gross dies per 300 mm wafer (not rounded, as the model)
``good_dies_per_wafer``        dies_per_wafer × die_yield
``die_yield``                  negative-binomial die yield, α = 10
``raw_die_cost_usd``           wafer cost / dies_per_wafer
``kgd_cost_usd``               known-good-die cost: wafer cost / good_dies_per_wafer
``total_chip_area_mm2``        Σ die areas in the package
``interposer_area_mm2``        RDL / silicon-interposer area; ``null`` for ``os``
``package_area_mm2``           organic substrate area
``package_yield``              yield of the interposer/RDL itself; 1.0 for ``os`` (no interposer)
``bonding_yield_per_chip``     0.99 (os), 0.98 (fo-*), 0.95 (si)
``chip_bonding_yield``         bonding_yield_per_chip ** chip_count
``substrate_bonding_yield``    interposer-onto-substrate bonding yield, 0.99; 1.0 for ``os``
``substrate_layer_factor``     OS substrate layer factor (1, 1.5, 1.75 or 2); 1.0 otherwise
``interposer_cost_usd``        raw interposer/RDL incl. C4 bumps; ``null`` for ``os``
``substrate_cost_usd``         raw organic substrate
``raw_package_cost_usd``       interposer + substrate (= ``parts.raw_package_usd``)
``parts``                      {``raw_chips_usd``, ``chip_defects_usd``, ``raw_package_usd``,
                               ``package_defects_usd``, ``wasted_kgd_usd``}: the five recurring parts
``total_cost_usd``             recurring cost per good package = Σ parts
``nre``                        ``null`` without ``--volume``; else {``volume``, ``module_usd``,
                               ``chip_usd``, ``package_usd``, ``total_usd``, ``per_unit_usd``}
``total_cost_with_nre_usd``    ``null`` without ``--volume``; else total_cost_usd + nre.per_unit_usd
``soc_comparison``             only with ``--compare`` (chiplet mode): {``soc_area_mm2``,
                               ``soc_package``, ``soc``: {``die_yield``, ``kgd_cost_usd``, ``parts``,
                               ``total_cost_usd``, ``nre``, ``total_cost_with_nre_usd``},
                               ``cost_ratio`` (chiplets ÷ SoC, per unit incl. NRE if any),
                               ``saving_usd`` (SoC − chiplets)}
=============================  ====================================================================

NRE (``--volume``): the chiplets are one design reused N times unless ``--distinct-designs``; each
chiplet's ``--d2d-area`` (default: the paper's 10 % of the module area, i.e. chiplet area × 0.1/1.1) is
a D2D PHY whose NRE is charged once per node. The ``--compare`` SoC holds the same logic:
N × (chiplet area − D2D area) mm², on ``--soc-package`` (default ``os``, as in the paper).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from hwsim.engine import packaging as pk

_DEFAULT_D2D_RATIO = 0.1  # exploration.py: Chiplet(m, m.area * 0.1)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the ``package`` sub-command's options on ``parser``."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--node", required=True, help="process node in nm: 3, 5, 7, 10, 14, 20, 28, 40, 55")
    parser.add_argument("--die-area", type=float, metavar="MM2", help="monolithic die area, mm²")
    parser.add_argument("--chiplets", type=int, metavar="N", help="number of identical chiplets")
    parser.add_argument("--chiplet-area", type=float, metavar="MM2", help="area of each chiplet, mm²")
    parser.add_argument("--package", default="os", choices=pk.PACKAGE_TYPES, help="package type (default: os)")
    parser.add_argument(
        "--d2d-area",
        type=float,
        metavar="MM2",
        help="D2D PHY area inside each chiplet, mm² (NRE only; default chiplet area × 0.1/1.1)",
    )
    parser.add_argument(
        "--distinct-designs",
        action="store_true",
        help="NRE: the chiplets are N different designs (default: one design reused N times)",
    )
    parser.add_argument("--volume", type=int, metavar="N", help="production volume for NRE amortisation")
    parser.add_argument("--compare", action="store_true", help="chiplet mode: also cost the equivalent monolithic SoC")
    parser.add_argument(
        "--soc-package", default="os", choices=pk.PACKAGE_TYPES, help="package of the --compare SoC (default: os)"
    )
    parser.add_argument("--json", action="store_true", help="print the JSON contract (see module docstring)")


class _UsageError(pk.PackagingError):
    """Inconsistent option combination."""


def _specs(args: argparse.Namespace) -> tuple[str, tuple[pk.ChipSpec, ...]]:
    chiplet_mode = args.chiplets is not None or args.chiplet_area is not None
    if args.die_area is not None and chiplet_mode:
        raise _UsageError("give either --die-area (monolithic) or --chiplets with --chiplet-area, not both")
    if chiplet_mode:
        if args.chiplets is None or args.chiplet_area is None:
            raise _UsageError("--chiplets and --chiplet-area must be given together")
        if args.chiplets < 1:
            raise pk.InvalidCountError(f"--chiplets must be a positive integer, got {args.chiplets}")
        area = args.chiplet_area
        if args.d2d_area is not None:
            d2d = args.d2d_area
        elif isinstance(area, float) and area > 0:
            d2d = area * _DEFAULT_D2D_RATIO / (1.0 + _DEFAULT_D2D_RATIO)
        else:
            d2d = 0.0
        if args.distinct_designs:
            specs = tuple(pk.ChipSpec(args.node, area, 1, d2d, name=f"chiplet{i}") for i in range(args.chiplets))
        else:
            specs = (pk.ChipSpec(args.node, area, args.chiplets, d2d, name="chiplet"),)
        return "chiplets", specs
    if args.die_area is None:
        raise _UsageError("give --die-area, or --chiplets with --chiplet-area")
    if args.d2d_area is not None or args.distinct_designs:
        raise _UsageError("--d2d-area and --distinct-designs apply to chiplets only")
    return "monolithic", (pk.ChipSpec(args.node, args.die_area, 1, name="soc"),)


def _system_dict(system: pk.SystemCost) -> dict[str, Any]:
    r = system.recurring
    return {
        "parts": r.parts.as_dict(),
        "total_cost_usd": r.total_cost_usd,
        "nre": system.nre.as_dict() if system.nre else None,
        "total_cost_with_nre_usd": system.total_per_unit_usd if system.nre else None,
    }


def _result(args: argparse.Namespace) -> dict[str, Any]:
    mode, specs = _specs(args)
    if args.volume is not None and args.volume < 1:
        raise pk.InvalidVolumeError(f"--volume must be a positive integer, got {args.volume}")
    if args.compare and mode != "chiplets":
        raise _UsageError("--compare needs chiplet mode (--chiplets and --chiplet-area)")
    system = pk.system_cost(specs, args.package, args.volume)
    r = system.recurring
    die = r.dies[0]
    out: dict[str, Any] = {
        "model": "chiplet-actuary",
        "mode": mode,
        "node_nm": die.node_nm,
        "package": r.package,
        "chip_count": r.chip_count,
        "die_area_mm2": die.area_mm2,
        "dies_per_wafer": die.dies_per_wafer,
        "good_dies_per_wafer": die.good_dies_per_wafer,
        "die_yield": die.die_yield,
        "raw_die_cost_usd": die.raw_die_cost_usd,
        "kgd_cost_usd": die.kgd_cost_usd,
        "total_chip_area_mm2": r.total_chip_area_mm2,
        "interposer_area_mm2": r.interposer_area_mm2,
        "package_area_mm2": r.package_area_mm2,
        "package_yield": r.package_yield,
        "bonding_yield_per_chip": r.bonding_yield_per_chip,
        "chip_bonding_yield": r.chip_bonding_yield,
        "substrate_bonding_yield": r.substrate_bonding_yield,
        "substrate_layer_factor": r.substrate_layer_factor,
        "interposer_cost_usd": r.interposer_cost_usd,
        "substrate_cost_usd": r.substrate_cost_usd,
        "raw_package_cost_usd": r.raw_package_cost_usd,
    }
    out.update(_system_dict(system))
    if args.compare:
        soc_area = sum((c.area_mm2 - c.d2d_area_mm2) * c.count for c in specs)
        soc = pk.system_cost(pk.ChipSpec(die.node_nm, soc_area, name="soc"), args.soc_package, args.volume)
        soc_die = soc.recurring.dies[0]
        soc_block = {"die_yield": soc_die.die_yield, "kgd_cost_usd": soc_die.kgd_cost_usd}
        soc_block.update(_system_dict(soc))
        out["soc_comparison"] = {
            "soc_area_mm2": soc_area,
            "soc_package": soc.recurring.package,
            "soc": soc_block,
            "cost_ratio": system.total_per_unit_usd / soc.total_per_unit_usd,
            "saving_usd": soc.total_per_unit_usd - system.total_per_unit_usd,
        }
    return out


def _text(out: dict[str, Any]) -> str:
    lines = [
        f"Chiplet Actuary (Feng & Ma, DAC 2022): {out['node_nm']} nm, {out['mode']}, package {out['package']}",
        f"  dies in package      {out['chip_count']} × {out['die_area_mm2']:.1f} mm²",
        f"  dies per wafer       {out['dies_per_wafer']:.2f}   die yield {out['die_yield']:.4f}",
        f"  raw die / KGD cost   ${out['raw_die_cost_usd']:.2f} / ${out['kgd_cost_usd']:.2f}",
    ]
    if out["interposer_area_mm2"] is not None:
        lines.append(f"  interposer           {out['interposer_area_mm2']:.1f} mm², yield {out['package_yield']:.4f}")
    lines.append(f"  substrate            {out['package_area_mm2']:.1f} mm²")
    labels = {
        "raw_chips_usd": "raw chips",
        "chip_defects_usd": "chip defects",
        "raw_package_usd": "raw package",
        "package_defects_usd": "package defects",
        "wasted_kgd_usd": "wasted KGD",
    }
    for key, label in labels.items():
        lines.append(f"  {label:<20} ${out['parts'][key]:.2f}")
    lines.append(f"  total recurring      ${out['total_cost_usd']:.2f} per good package")
    if out["nre"] is not None:
        nre = out["nre"]
        lines.append(
            f"  NRE                  ${nre['total_usd']:,.0f} over {nre['volume']:,} units = "
            f"${nre['per_unit_usd']:.2f}/unit"
        )
        lines.append(f"  total with NRE       ${out['total_cost_with_nre_usd']:.2f} per unit")
    if "soc_comparison" in out:
        cmp_ = out["soc_comparison"]
        soc = cmp_["soc"]
        soc_total = soc["total_cost_with_nre_usd"] if soc["nre"] else soc["total_cost_usd"]
        lines.append(
            f"  monolithic SoC       {cmp_['soc_area_mm2']:.1f} mm² on {cmp_['soc_package']}: ${soc_total:.2f} "
            f"per unit; chiplets/SoC = {cmp_['cost_ratio']:.3f}"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; return 0, or 2 after printing the problem on stderr for bad input."""
    try:
        out = _result(args)
    except pk.PackagingError as exc:
        print(f"hwsim package: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        print(_text(out))
    return 0
