"""Compute cycles of an R×C systolic array per layer and dataflow, equal to SCALE-Sim v3.0.0.

Closed form (derived from SCALE-Sim v3.0.0's source, checked against its COMPUTE_REPORT.csv "Total Cycles"
in ``tests/hwsim_engine/goldens/scalesim_v3_compute.json``)::

    (Sr, Sc, T)   = layer.gemm_view(dataflow, batch)            # topology_utils.calc_spatio_temporal_params
    folds         = ceil(Sr / R) * ceil(Sc / C)
    lines/fold    = R + C + T - 2          (os)
                  = 2R + C + T - 2         (ws, is)
    total cycles  = folds * lines/fold - 1

Where it comes from:

* ``scalesim/compute/systolic_compute_os.py`` ``create_ifmap_demand_mat`` / ``create_ofmap_demand_mat``:
  each fold's demand is T rows plus a C-1 drain gap (ofmap: T-1 fill prefix plus R output rows), then
  ``skew_matrix`` adds (width - 1) rows: T + R + C - 2 lines per fold; folds are concatenated.
* ``scalesim/compute/systolic_compute_ws.py`` and ``systolic_compute_is.py``: ifmap demand per fold is an
  R-row weight-load prefix + T rows + C-1 gap, skewed over R columns (ofmap: 2R-1 prefix + T, skewed over C
  columns): 2R + C + T - 2 lines per fold.
* ``scalesim/memory/double_buffered_scratchpad_mem.py`` ``service_memory_requests`` serves one demand line per
  cycle (in CALC mode ``read_buffer_estimate_bw.service_reads`` never stalls) and reports
  ``total_cycles = max(ofmap serviced cycle)`` = index of the last line = lines - 1; this is what
  ``single_layer_sim.calc_report_data`` writes as "Total Cycles".

Utilisation is ``MACs / (cycles × R × C)`` as a fraction (SCALE-Sim's "Overall Util %" / 100, computed in
``single_layer_sim.calc_report_data``). A batch of b images multiplies the ofmap pixels (conv) or M (GEMM):
more rows of work (SCALE-Sim itself has no batch).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hwsim.engine.config import AcceleratorConfig
from hwsim.engine.topology import ConvLayer, GemmLayer


@dataclass(frozen=True)
class ComputeResult:
    """Compute-side result of one layer on one array (no memory stalls).

    ``sr``, ``sc``, ``t``: SCALE-Sim spatio-temporal dims; ``row_folds`` = ceil(Sr/R), ``col_folds`` =
    ceil(Sc/C); ``cycles``: SCALE-Sim "Total Cycles"; ``macs``: multiply-accumulates (batch included);
    ``utilization``: macs / (cycles × R × C), a fraction in (0, 1]; 0.0 for a zero-cycle layer (a 1×1×1
    layer on a 1×1 os array: R + C + T - 2 = 1 line, "Total Cycles" = lines - 1 = 0, where SCALE-Sim
    itself raises ZeroDivisionError in ``calc_report_data``).
    """

    sr: int
    sc: int
    t: int
    row_folds: int
    col_folds: int
    cycles: int
    macs: int
    utilization: float


def fold_counts(sr: int, sc: int, rows: int, cols: int) -> tuple[int, int]:
    """``(ceil(Sr/R), ceil(Sc/C))``: how many times the operand matrices are tiled onto the array
    (``systolic_compute_*.set_params`` ``row_fold`` / ``col_fold``)."""
    return math.ceil(sr / rows), math.ceil(sc / cols)


def cycles_for_dims(sr: int, sc: int, t: int, rows: int, cols: int, dataflow: str) -> int:
    """SCALE-Sim v3.0.0 "Total Cycles" of a GEMM view ``(Sr, Sc, T)`` on an R×C array (closed form above).

    All arguments are positive ints; raises ValueError on an unknown dataflow or a non-positive dim.
    """
    if min(sr, sc, t, rows, cols) < 1:
        raise ValueError(f"dimensions must be positive, got Sr={sr} Sc={sc} T={t} R={rows} C={cols}")
    row_folds, col_folds = fold_counts(sr, sc, rows, cols)
    if dataflow == "os":
        per_fold = rows + cols + t - 2
    elif dataflow in ("ws", "is"):
        per_fold = 2 * rows + cols + t - 2
    else:
        raise ValueError(f"unknown dataflow {dataflow!r}; expected os, ws or is")
    return row_folds * col_folds * per_fold - 1


def simulate_compute(layer: ConvLayer | GemmLayer, config: AcceleratorConfig, batch: int = 1) -> ComputeResult:
    """Compute cycles, MACs and utilisation of ``layer`` (× ``batch`` images) on ``config``'s array.

    Equal to SCALE-Sim v3.0.0 COMPUTE_REPORT.csv "Total Cycles" / "Overall Util %" (CALC mode) for
    ``batch=1``. Raises ValueError on batch < 1.
    """
    sr, sc, t = layer.gemm_view(config.dataflow, batch)
    row_folds, col_folds = fold_counts(sr, sc, config.rows, config.cols)
    cycles = cycles_for_dims(sr, sc, t, config.rows, config.cols, config.dataflow)
    macs = layer.macs * batch
    return ComputeResult(
        sr=sr,
        sc=sc,
        t=t,
        row_folds=row_folds,
        col_folds=col_folds,
        cycles=cycles,
        macs=macs,
        utilization=macs / (cycles * config.pes) if cycles else 0.0,
    )


def compute_cycles(layer: ConvLayer | GemmLayer, config: AcceleratorConfig, batch: int = 1) -> int:
    """Shortcut for ``simulate_compute(layer, config, batch).cycles``."""
    return simulate_compute(layer, config, batch).cycles
