"""Design-space exploration (DSE): sweep platform configurations for one workload and one MLPerf scenario.

Pure Python, no Django. A :class:`SweepSpec` names the axes; its configurations are enumerated in a fixed
order — mixed radix over the axes in :data:`AXES` order (the first axis varies slowest, ``packages`` fastest),
each axis sorted canonically — so configuration ``i`` is :func:`config_at` ``(spec, i)`` on every machine and a
chunk of the sweep is a range of indices (:func:`chunk_ranges`, :func:`evaluate_range`). Evaluating a
configuration depends on nothing but the spec and the index, so the points, and the Pareto fronts of
:mod:`hwsim.engine.pareto` computed from them, are identical whatever the chunking or the number of workers.

Spec (JSON, :func:`parse_sweep`; errors are :class:`SweepError` naming the field)::

    {"workload": BUILTIN_WORKLOADS key, "batch": 1..1024 = 1, "scenario": SingleStream|MultiStream|Server|Offline,
     "shapes": [[rows, cols], ...] (1..1024 each), "dataflows": ["os"|"ws"|"is", ...],
     "sram_kib": [KiB per SRAM (ifmap, filter and ofmap each), ...], "clock_ghz": [GHz, ...],
     "chiplets": [1..64, ...], "partitioning": ["replicate"|"split", ...],
     "nodes": [nm from packaging.KNOWN_NODES, ...], "packages": ["os"|"fo-chip-first"|"fo-chip-last"|"si", ...],
     "bandwidth_gbps": DRAM GB/s per chiplet or null (unlimited) = 64.0, "volume": units for NRE = 100000,
     "link_bandwidth_gbps": 64.0, "link_latency_ns": 10.0, "latency_bound_s": Server p99 bound or null}

Model per configuration (units: s, samples/s, J per sample, USD, mm²):

* **Partitioning.** ``replicate``: every chiplet is the whole ``rows × cols`` array (n× the compute).
  ``split``: ``rows × cols`` is the total; each chiplet gets ``rows × cols/n`` (infeasible ``indivisible`` when
  ``cols`` is not a multiple of n; with n = 1 it is the ``replicate`` platform, marked ``duplicate``).
* **Performance.** :func:`hwsim.engine.platform.simulate_network` (SCALE-Sim v3 compute cycles, roofline stalls,
  output-channel split with D2D all-gather) gives ``L(b)``, the network latency at batch ``b``. SingleStream:
  latency ``L(1)``, throughput ``1/L(1)``; MultiStream: ``q = ⌈8/b⌉`` batches of ``b = min(batch, 8)``, latency
  ``q·L(b)``, throughput ``8/latency``; Offline: ``b = batch``, throughput ``b/L(b)``; Server: the largest ``b`` in
  {1, 2, 4, …, batch} whose worst case (wait one batch, then run one: ``2·L(b)``) meets the p99 bound
  (``latency_bound_s``, else the workload's MLPerf bound, ResNet-50's by analogy), throughput ``b/L(b)``;
  none → ``latency_bound``. These are analytic estimates for ranking; the verification request made from a
  chosen point runs the full LoadGen.
* **Energy** per sample = (MACs·e_mac + SRAM bytes·e_sram)·(node/45) + DRAM bytes·162.5 pJ + link bytes·4 pJ,
  divided by the samples: e_mac 0.23 pJ and e_sram 2.5 pJ/B at 45 nm and DRAM 1.3 nJ / 64 bit (Horowitz,
  ISSCC 2014, the AcceleratorConfig defaults); link 0.5 pJ/bit (UCIe 1.0, Platform default). Scaling the
  logic energies linearly with the node is an assumption (capacitance ∝ feature size, same voltage).
* **Area** per chiplet = (rows·cols·A_pe + 3·sram_kib·A_sram)·(node/28)² + 5 mm², × 1.1 with more than one
  chiplet (D2D PHY = 0.1 × module, Chiplet Actuary's ``d2d_area_ratio``). A_pe = 0.24·331 mm² / 65 536 and
  A_sram = 0.29·331 mm² / 24 MiB: the TPU v1's 256×256 MAC unit and 24 MiB buffer take 24 % and 29 % of its
  ≤ 331 mm² 28 nm die (Jouppi et al., "In-Datacenter Performance Analysis of a Tensor Processing Unit",
  ISCA 2017, Fig. 2). The 5 mm² (DRAM PHY, control) and ideal (node/28)² shrink are assumptions; SRAM and
  analogue shrink less at advanced nodes, so those areas are optimistic.
* **Unit cost** = :func:`hwsim.engine.packaging.system_cost` (Chiplet Actuary, DAC 2022) of n copies of one
  chiplet design at the node in the package: recurring cost per good package + NRE / ``volume``. A die or
  interposer beyond the reticle/wafer limits is infeasible (``die_too_large``, ``interposer_too_large``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hwsim.engine import packaging
from hwsim.engine.config import DATAFLOWS, AcceleratorConfig
from hwsim.engine.loadgen import SCENARIOS, SERVER_LATENCY_BOUND_S
from hwsim.engine.pareto import pareto_front
from hwsim.engine.platform import NetworkResult, Platform, simulate_network
from hwsim.engine.topology import parse_conv_csv, parse_gemm_csv
from hwsim.engine.workloads import BUILTIN_WORKLOADS, builtin_topology_text

__all__ = [
    "AXES",
    "DEFAULT_CHUNK_SIZE",
    "MAX_CONFIGS",
    "PARTITIONINGS",
    "Config",
    "Evaluator",
    "SweepError",
    "SweepSpec",
    "ROW_FIELDS",
    "chiplet_area_mm2",
    "chunk_ranges",
    "config_at",
    "evaluate_range",
    "fronts",
    "pack",
    "parse_sweep",
    "unpack",
]

#: The sweep's axes, outermost (slowest) first; ``packages`` varies fastest.
AXES = ("shapes", "dataflows", "sram_kib", "clock_ghz", "chiplets", "partitioning", "nodes", "packages")
PARTITIONINGS = ("replicate", "split")
MAX_CONFIGS = 100_000
#: Configurations per chunk (one Celery task of the portal; the benchmark uses the same).
DEFAULT_CHUNK_SIZE = 500
MULTISTREAM_SAMPLES = 8
PE_AREA_MM2_28NM = 0.24 * 331 / 65536  # TPU v1, ISCA 2017: MAC unit 24 % of ≤ 331 mm², 256×256 MACs
SRAM_AREA_MM2_PER_KIB_28NM = 0.29 * 331 / (24 * 1024)  # TPU v1: 24 MiB unified buffer, 29 % of the die
FIXED_AREA_MM2 = 5.0  # DRAM PHY and control per chiplet (assumption)
D2D_AREA_RATIO = 0.1  # Chiplet Actuary exploration: D2D PHY = 0.1 × module area
MAC_PJ_45NM, SRAM_PJ_PER_BYTE_45NM, DRAM_PJ_PER_BYTE, LINK_PJ_PER_BYTE = 0.23, 2.5, 162.5, 4.0
#: Infeasibility reasons (stable codes; the portal translates them).
REASONS = ("duplicate", "indivisible", "die_too_large", "interposer_too_large", "packaging", "latency_bound")


class SweepError(ValueError):
    """A sweep spec is invalid; ``field`` names the offending key (a form field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


@dataclass(frozen=True)
class SweepSpec:
    """A validated, canonical sweep (every axis a sorted tuple without duplicates). See the module docstring."""

    workload: str
    batch: int
    scenario: str
    shapes: tuple[tuple[int, int], ...]
    dataflows: tuple[str, ...]
    sram_kib: tuple[int, ...]
    clock_ghz: tuple[float, ...]
    chiplets: tuple[int, ...]
    partitioning: tuple[str, ...]
    nodes: tuple[int, ...]
    packages: tuple[str, ...]
    bandwidth_gbps: float | None = 64.0
    volume: int = 100_000
    link_bandwidth_gbps: float = 64.0
    link_latency_ns: float = 10.0
    latency_bound_s: float | None = None

    @property
    def size(self) -> int:
        """Number of configurations (the product of the axis lengths)."""
        return math.prod(len(getattr(self, axis)) for axis in AXES)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; ``parse_sweep(spec.to_dict()) == spec``."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["shapes"] = [list(s) for s in self.shapes]
        for axis in AXES[1:]:
            data[axis] = list(data[axis])
        return data


def _number(value: Any, field: str, *, integer: bool, lo: float, hi: float) -> Any:
    if isinstance(value, bool) or not isinstance(value, int if integer else (int, float)):
        raise SweepError(field, f"expected {'an integer' if integer else 'a number'}, got {value!r}")
    if not (math.isfinite(value) and lo <= value <= hi):
        raise SweepError(field, f"must be between {lo:g} and {hi:g}, got {value!r}")
    return int(value) if integer else float(value)


def _axis(data: dict, field: str, parse: Any, order: Any = None) -> tuple:
    values = data.get(field)
    if not isinstance(values, (list, tuple)) or not values:
        raise SweepError(field, "give at least one value")
    parsed = [parse(v) for v in values]
    if len(set(parsed)) != len(parsed):
        raise SweepError(field, "a value is listed twice")
    return tuple(sorted(parsed, key=order))


def _choice(options: tuple, field: str) -> Any:
    def parse(value: Any) -> Any:
        if value not in options:
            raise SweepError(field, f"unknown value {value!r}; known: {', '.join(map(str, options))}")
        return value

    return parse


def _shape(value: Any) -> tuple[int, int]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise SweepError("shapes", f"a shape is [rows, cols], got {value!r}")
    return (
        _number(value[0], "shapes", integer=True, lo=1, hi=1024),
        _number(value[1], "shapes", integer=True, lo=1, hi=1024),
    )


def parse_sweep(data: Any, max_configs: int = MAX_CONFIGS) -> SweepSpec:
    """Validate ``data`` (module docstring) into a canonical :class:`SweepSpec`; :class:`SweepError` else.

    Also refuses a sweep of more than ``max_configs`` configurations (field ``size``).
    """
    if not isinstance(data, dict):
        raise SweepError("spec", "expected an object")
    known = set(SweepSpec.__dataclass_fields__)
    for key in data:
        if key not in known:
            raise SweepError(key, "unknown field")
    workload = data.get("workload")
    if workload not in BUILTIN_WORKLOADS:
        raise SweepError("workload", f"unknown workload {workload!r}; known: {', '.join(BUILTIN_WORKLOADS)}")
    scenario = data.get("scenario")
    if scenario not in SCENARIOS:
        raise SweepError("scenario", f"unknown scenario {scenario!r}; known: {', '.join(SCENARIOS)}")

    def optional(field: str, default: Any, **kw: Any) -> Any:
        value = data.get(field, default)
        return None if value is None else _number(value, field, **kw)

    spec = SweepSpec(
        workload=workload,
        batch=_number(data.get("batch", 1), "batch", integer=True, lo=1, hi=1024),
        scenario=scenario,
        shapes=_axis(data, "shapes", _shape),
        dataflows=_axis(data, "dataflows", _choice(DATAFLOWS, "dataflows"), DATAFLOWS.index),
        sram_kib=_axis(data, "sram_kib", lambda v: _number(v, "sram_kib", integer=True, lo=1, hi=65536)),
        clock_ghz=_axis(data, "clock_ghz", lambda v: _number(v, "clock_ghz", integer=False, lo=0.01, hi=10)),
        chiplets=_axis(data, "chiplets", lambda v: _number(v, "chiplets", integer=True, lo=1, hi=64)),
        partitioning=_axis(data, "partitioning", _choice(PARTITIONINGS, "partitioning"), PARTITIONINGS.index),
        nodes=_axis(data, "nodes", _choice(packaging.KNOWN_NODES, "nodes")),
        packages=_axis(data, "packages", _choice(packaging.PACKAGE_TYPES, "packages"), packaging.PACKAGE_TYPES.index),
        bandwidth_gbps=optional("bandwidth_gbps", 64.0, integer=False, lo=0.001, hi=1e6),
        volume=_number(data.get("volume", 100_000), "volume", integer=True, lo=1, hi=10**12),
        link_bandwidth_gbps=_number(
            data.get("link_bandwidth_gbps", 64.0), "link_bandwidth_gbps", integer=False, lo=0.001, hi=1e6
        ),
        link_latency_ns=_number(data.get("link_latency_ns", 10.0), "link_latency_ns", integer=False, lo=0, hi=1e6),
        latency_bound_s=optional("latency_bound_s", None, integer=False, lo=1e-6, hi=3600),
    )
    if spec.size > max_configs:
        raise SweepError("size", f"{spec.size} configurations; at most {max_configs} in one sweep")
    return spec


@dataclass(frozen=True)
class Config:
    """Configuration ``index`` of a sweep: the axis values and the chiplet array after partitioning."""

    index: int
    rows: int
    cols: int
    dataflow: str
    sram_kib: int
    clock_ghz: float
    chiplets: int
    partitioning: str
    node_nm: int
    package: str

    @property
    def chiplet_cols(self) -> int:
        """Columns of each chiplet's array (``split`` divides the given array's columns among the chiplets)."""
        return self.cols // self.chiplets if self.partitioning == "split" else self.cols

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__} | {"chiplet_cols": self.chiplet_cols}


def config_at(spec: SweepSpec, index: int) -> Config:
    """Decode ``index`` (0 ≤ index < spec.size; IndexError else) in the mixed radix of :data:`AXES`."""
    if not 0 <= index < spec.size:
        raise IndexError(f"configuration {index} outside 0..{spec.size - 1}")
    values = []
    rest = index
    for axis in reversed(AXES):
        options = getattr(spec, axis)
        rest, digit = divmod(rest, len(options))
        values.append(options[digit])
    shape, dataflow, sram, clock, chiplets, partitioning, node, package = reversed(values)
    return Config(index, shape[0], shape[1], dataflow, sram, clock, chiplets, partitioning, node, package)


def chiplet_area_mm2(cfg: Config) -> tuple[float, float]:
    """(area of one chiplet, its D2D PHY part) in mm² for configuration ``cfg`` (module docstring, Area)."""
    logic = cfg.rows * cfg.chiplet_cols * PE_AREA_MM2_28NM + 3 * cfg.sram_kib * SRAM_AREA_MM2_PER_KIB_28NM
    module = logic * (cfg.node_nm / 28) ** 2 + FIXED_AREA_MM2
    d2d = module * D2D_AREA_RATIO if cfg.chiplets > 1 else 0.0
    return module + d2d, d2d


def chunk_ranges(size: int, chunk_size: int) -> list[tuple[int, int]]:
    """``[(start, stop), …]`` covering ``range(size)`` in order, each ``chunk_size`` long (the last shorter)."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be ≥ 1")
    return [(start, min(start + chunk_size, size)) for start in range(0, size, chunk_size)]


class Evaluator:
    """Evaluates configurations of one spec; caches network simulations and costs (results are unaffected)."""

    def __init__(self, spec: SweepSpec) -> None:
        self.spec = spec
        info = BUILTIN_WORKLOADS[spec.workload]
        text = builtin_topology_text(spec.workload)
        self.layers = (
            parse_gemm_csv(text, spec.workload) if info.kind == "gemm" else parse_conv_csv(text, spec.workload)
        )
        self.bound = spec.latency_bound_s or SERVER_LATENCY_BOUND_S[info.mlperf_benchmark or "resnet50"]
        self._networks: dict[tuple, NetworkResult] = {}
        self._costs: dict[tuple, Any] = {}

    def network(self, cfg: Config, batch: int) -> NetworkResult:
        key = (cfg.rows, cfg.chiplet_cols, cfg.dataflow, cfg.sram_kib, cfg.clock_ghz, cfg.chiplets, batch)
        if key not in self._networks:
            s = self.spec
            chiplet = AcceleratorConfig(
                rows=cfg.rows,
                cols=cfg.chiplet_cols,
                dataflow=cfg.dataflow,
                ifmap_sram_kib=cfg.sram_kib,
                filter_sram_kib=cfg.sram_kib,
                ofmap_sram_kib=cfg.sram_kib,
                clock_ghz=cfg.clock_ghz,
                bandwidth_gbps=s.bandwidth_gbps,
            )
            platform = Platform(chiplet, cfg.chiplets, s.link_bandwidth_gbps, s.link_latency_ns, LINK_PJ_PER_BYTE)
            self._networks[key] = simulate_network(platform, self.layers, batch)
        return self._networks[key]

    def energy_j(self, net: NetworkResult, node_nm: int) -> float:
        """Energy of one network run (J) at ``node_nm`` (module docstring)."""
        logic = (net.macs * MAC_PJ_45NM + net.sram_bytes * SRAM_PJ_PER_BYTE_45NM) * (node_nm / 45)
        return (logic + net.dram_bytes * DRAM_PJ_PER_BYTE + net.link_bytes * LINK_PJ_PER_BYTE) * 1e-12

    def area_mm2(self, cfg: Config) -> tuple[float, float]:
        """(chiplet area, its D2D PHY area) in mm² (:func:`chiplet_area_mm2`)."""
        return chiplet_area_mm2(cfg)

    def performance(self, cfg: Config) -> tuple[float, float, float] | None:
        """(latency s, throughput samples/s, energy J/sample) for the spec's scenario; None if no batch meets
        the Server bound."""
        scenario, batch = self.spec.scenario, self.spec.batch
        if scenario == "SingleStream":
            net = self.network(cfg, 1)
            return net.latency_s, 1 / net.latency_s, self.energy_j(net, cfg.node_nm)
        if scenario == "MultiStream":
            b = min(batch, MULTISTREAM_SAMPLES)
            q = -(-MULTISTREAM_SAMPLES // b)
            net = self.network(cfg, b)
            latency = q * net.latency_s
            return latency, MULTISTREAM_SAMPLES / latency, q * self.energy_j(net, cfg.node_nm) / MULTISTREAM_SAMPLES
        if scenario == "Offline":
            net = self.network(cfg, batch)
            return net.latency_s, batch / net.latency_s, self.energy_j(net, cfg.node_nm) / batch
        candidates = sorted({batch} | {2**k for k in range(11) if 2**k <= batch}, reverse=True)
        for b in candidates:  # Server
            net = self.network(cfg, b)
            if 2 * net.latency_s <= self.bound:
                return 2 * net.latency_s, b / net.latency_s, self.energy_j(net, cfg.node_nm) / b
        return None

    def cost(self, cfg: Config, area: float, d2d: float) -> Any:
        key = (cfg.node_nm, area, cfg.chiplets, cfg.package)
        if key not in self._costs:
            chip = packaging.ChipSpec(cfg.node_nm, area, count=cfg.chiplets, d2d_area_mm2=d2d)
            self._costs[key] = packaging.system_cost(chip, cfg.package, self.spec.volume)
        return self._costs[key]

    def evaluate(self, index: int) -> dict[str, Any]:
        """One point: ``{"index", "feasible", "reason", "latency_s", "throughput", "energy_j", "unit_cost_usd",
        "recurring_usd", "nre_per_unit_usd", "area_mm2"}`` (metrics None when infeasible, with a REASONS code)."""
        cfg = config_at(self.spec, index)
        point: dict[str, Any] = {"index": index, "feasible": False, "reason": ""}
        point.update(dict.fromkeys(("latency_s", "throughput", "energy_j", "unit_cost_usd"), None))
        point.update(recurring_usd=None, nre_per_unit_usd=None, area_mm2=None)
        if cfg.partitioning == "split" and cfg.chiplets == 1:
            return point | {"reason": "duplicate"}
        if cfg.partitioning == "split" and cfg.cols % cfg.chiplets:
            return point | {"reason": "indivisible"}
        area, d2d = self.area_mm2(cfg)
        point["area_mm2"] = area
        try:
            cost = self.cost(cfg, area, d2d)
        except packaging.InterposerTooLargeError:
            return point | {"reason": "interposer_too_large"}
        except packaging.DieTooLargeError:
            return point | {"reason": "die_too_large"}
        except packaging.PackagingError:
            return point | {"reason": "packaging"}
        perf = self.performance(cfg)
        if perf is None:
            return point | {"reason": "latency_bound"}
        point.update(latency_s=perf[0], throughput=perf[1], energy_j=perf[2], feasible=True)
        point.update(
            unit_cost_usd=cost.total_per_unit_usd,
            recurring_usd=cost.recurring.total_cost_usd,
            nre_per_unit_usd=cost.nre.per_unit_usd,
        )
        return point


#: The order of a point's values in a stored row (:func:`pack`); ``feasible`` is ``reason == ""``.
ROW_FIELDS = (
    "index",
    "reason",
    "latency_s",
    "throughput",
    "energy_j",
    "unit_cost_usd",
    "recurring_usd",
    "nre_per_unit_usd",
    "area_mm2",
)


def pack(point: dict) -> list:
    """A point as a compact JSON row in :data:`ROW_FIELDS` order (what a chunk stores)."""
    return [point[name] for name in ROW_FIELDS]


def unpack(row: list) -> dict:
    """The inverse of :func:`pack`."""
    point = dict(zip(ROW_FIELDS, row, strict=True))
    point["feasible"] = point["reason"] == ""
    return point


def evaluate_range(spec: SweepSpec, start: int, stop: int, evaluator: Evaluator | None = None) -> list[dict]:
    """The points of configurations ``start .. stop−1`` in index order (a chunk)."""
    ev = evaluator or Evaluator(spec)
    return [ev.evaluate(i) for i in range(start, stop)]


def iter_points(spec: SweepSpec) -> Iterator[dict]:
    """Every point of the sweep in index order (one evaluator: a single-process run)."""
    ev = Evaluator(spec)
    return (ev.evaluate(i) for i in range(spec.size))


def fronts(points: list[dict]) -> dict[str, list[int]]:
    """Pareto fronts over the feasible points: ``{"cost": [config index, …], "energy": […]}``, ascending.

    ``cost``: throughput maximised, unit cost minimised; ``energy``: throughput maximised, energy per sample
    minimised. ``points`` may come in any order (they are sorted by index first).
    """
    feasible = sorted((p for p in points if p["feasible"]), key=lambda p: p["index"])
    result = {}
    for name, key in (("cost", "unit_cost_usd"), ("energy", "energy_j")):
        front = pareto_front([(p["throughput"], p[key]) for p in feasible])
        result[name] = [feasible[i]["index"] for i in front]
    return result
