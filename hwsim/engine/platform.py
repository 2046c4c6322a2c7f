"""Multi-chiplet platforms and whole-network simulation.

A :class:`Platform` is ``n_chiplets`` identical compute chiplets (each an
:class:`~hwsim.engine.config.AcceleratorConfig` with its own SRAMs and off-chip interface) joined by a
die-to-die (D2D) link of ``link_bandwidth_gbps`` GB/s per chiplet port and ``link_latency_ns``.

Partitioning (output-channel / model parallelism): every layer's filters (GEMM: N) are split across the
chiplets as evenly as possible — chiplet i gets ``N // n + (1 if i < N % n else 0)`` filters — and each
chiplet runs its share as a layer of its own (same ifmap, fewer filters) through
:mod:`~hwsim.engine.systolic` and :mod:`~hwsim.engine.memory`. The layer's compute time is that of the
slowest chiplet (compute + roofline stall). Each chiplet then holds only its slice of the output channels,
and the next layer needs all of them, so the activations are all-gathered over the link after every layer:
each chiplet receives the slices it did not produce, in parallel on its own port, so

    transfer time = link_latency_ns + (ofmap bytes − smallest slice bytes) / link_bandwidth_gbps

is added per layer (not overlapped with compute), and the link carries ``ofmap bytes × (n − 1)`` bytes in
total (each slice goes to n − 1 peers), charged at ``link_energy_pj_per_byte`` (default 4 pJ/byte =
0.5 pJ/bit, the UCIe 1.0 standard-package energy-efficiency target). A 1-chiplet platform has no link
traffic and gives exactly the single-array result.

Totals: ``utilization = MACs / (cycles × R × C × n)``, ``latency_s`` = Σ cycles / clock + Σ transfer times
(= the sum of the layers' ``latency_s``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from hwsim.engine.config import AcceleratorConfig, ConfigError
from hwsim.engine.memory import PJ, simulate_memory
from hwsim.engine.systolic import simulate_compute
from hwsim.engine.topology import ConvLayer, GemmLayer


@dataclass(frozen=True)
class Platform:
    """``n_chiplets`` copies of ``chiplet`` joined by a D2D link (GB/s per port, ns latency, pJ/byte).

    Raises ConfigError when n_chiplets < 1 or a link parameter is not a positive (energy: non-negative)
    finite number.
    """

    chiplet: AcceleratorConfig
    n_chiplets: int = 1
    link_bandwidth_gbps: float = 64.0
    link_latency_ns: float = 10.0
    link_energy_pj_per_byte: float = 4.0

    def __post_init__(self) -> None:
        if not isinstance(self.chiplet, AcceleratorConfig):
            raise ConfigError(f"chiplet must be an AcceleratorConfig, got {type(self.chiplet).__name__}")
        if isinstance(self.n_chiplets, bool) or not isinstance(self.n_chiplets, int) or self.n_chiplets < 1:
            raise ConfigError(f"n_chiplets must be a positive integer, got {self.n_chiplets!r}")
        for name, allow_zero in (
            ("link_bandwidth_gbps", False),
            ("link_latency_ns", True),
            ("link_energy_pj_per_byte", True),
        ):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not math.isfinite(value)
                or value < 0
                or (value == 0 and not allow_zero)
            ):
                raise ConfigError(
                    f"{name} must be a {'non-negative' if allow_zero else 'positive'} finite number, got {value!r}"
                )

    def to_dict(self) -> dict:
        """Plain dict: the chiplet's fields plus ``n_chiplets`` and the link parameters."""
        data = self.chiplet.to_dict()
        data.update(
            n_chiplets=self.n_chiplets,
            link_bandwidth_gbps=self.link_bandwidth_gbps,
            link_latency_ns=self.link_latency_ns,
            link_energy_pj_per_byte=self.link_energy_pj_per_byte,
        )
        return data


@dataclass(frozen=True)
class LayerResult:
    """One layer on a platform (chiplet 0's share for ``sr``/``sc``/``t``/folds).

    Cycles are array cycles of the slowest chiplet; bytes are summed over chiplets; ``link_s`` is the
    D2D transfer time in seconds; ``latency_s`` = cycles / clock + link_s; ``utilization`` is a fraction.
    """

    name: str
    sr: int
    sc: int
    t: int
    row_folds: int
    col_folds: int
    compute_cycles: int
    stall_cycles: int
    cycles: int
    macs: int
    utilization: float
    sram_bytes: int
    dram_bytes: int
    link_bytes: int
    link_s: float
    latency_s: float
    energy_j: float

    def to_dict(self) -> dict:
        """Plain dict of every field (the CLI's per-layer JSON object)."""
        return asdict(self)


@dataclass(frozen=True)
class NetworkResult:
    """A whole network: ``layers`` (LayerResult, in order) and totals (sums; utilisation recomputed)."""

    layers: tuple[LayerResult, ...]
    batch: int
    pes: int
    cycles: int
    compute_cycles: int
    stall_cycles: int
    macs: int
    utilization: float
    sram_bytes: int
    dram_bytes: int
    link_bytes: int
    latency_s: float
    energy_j: float

    def total_dict(self) -> dict:
        """Totals as a plain dict (the CLI's ``total`` JSON object)."""
        data = asdict(self)
        data.pop("layers")
        data["layers"] = len(self.layers)
        return data


def filter_shares(num_filters: int, n_chiplets: int) -> list[int]:
    """Filters per chiplet, most-loaded first: ``N // n + (1 if i < N % n else 0)`` (may contain zeros)."""
    base, extra = divmod(num_filters, n_chiplets)
    return [base + (1 if i < extra else 0) for i in range(n_chiplets)]


def simulate_layer(
    layer: ConvLayer | GemmLayer, platform: Platform | AcceleratorConfig, batch: int = 1, exact: bool = False
) -> LayerResult:
    """Simulate one layer on a platform (or a single array); ``exact`` as in
    :func:`~hwsim.engine.memory.simulate_memory`. Raises ValueError on batch < 1."""
    if isinstance(platform, AcceleratorConfig):
        platform = Platform(platform)
    cfg = platform.chiplet
    shares = filter_shares(layer.num_filters, platform.n_chiplets)
    per_share = {}
    for share in set(s for s in shares if s > 0):
        sub = layer.with_filters(share)
        comp = simulate_compute(sub, cfg, batch)
        per_share[share] = (comp, simulate_memory(sub, cfg, batch, comp, exact=exact))
    first_comp, _ = per_share[shares[0]]
    slowest = max(per_share.values(), key=lambda cm: (cm[1].cycles, cm[0].cycles))
    compute_cycles, cycles = slowest[0].cycles, slowest[1].cycles
    macs = sum(per_share[s][0].macs for s in shares if s > 0)
    sram = sum(per_share[s][1].sram_bytes for s in shares if s > 0)
    dram = sum(per_share[s][1].dram_bytes for s in shares if s > 0)
    energy = sum(per_share[s][1].energy_j for s in shares if s > 0)
    link_bytes, link_s = 0, 0.0
    if platform.n_chiplets > 1:
        per_filter = layer.ofmap_pixels * batch * cfg.word_size_bytes
        ofmap_bytes = per_filter * layer.num_filters
        link_bytes = ofmap_bytes * (platform.n_chiplets - 1)
        received = ofmap_bytes - per_filter * min(shares)
        link_s = platform.link_latency_ns * 1e-9 + received / (platform.link_bandwidth_gbps * 1e9)
        energy += link_bytes * platform.link_energy_pj_per_byte * PJ
    return LayerResult(
        name=layer.name,
        sr=first_comp.sr,
        sc=first_comp.sc,
        t=first_comp.t,
        row_folds=first_comp.row_folds,
        col_folds=first_comp.col_folds,
        compute_cycles=compute_cycles,
        stall_cycles=cycles - compute_cycles,
        cycles=cycles,
        macs=macs,
        utilization=macs / (cycles * cfg.pes * platform.n_chiplets) if cycles else 0.0,
        sram_bytes=sram,
        dram_bytes=dram,
        link_bytes=link_bytes,
        link_s=link_s,
        latency_s=cycles / (cfg.clock_ghz * 1e9) + link_s,
        energy_j=energy,
    )


def simulate_network(
    platform_or_config: Platform | AcceleratorConfig,
    layers: Sequence[ConvLayer | GemmLayer] | Iterable[ConvLayer | GemmLayer],
    batch: int = 1,
    exact: bool = False,
) -> NetworkResult:
    """Simulate ``layers`` in order on a platform or a single array (= a 1-chiplet platform).

    Closed forms plus SCALE-Sim buffer replays of small layers (``exact``: see
    :func:`~hwsim.engine.memory.simulate_memory`; by default a ResNet-50 takes a few ms). Raises ValueError on
    batch < 1 or no layers.
    """
    platform = platform_or_config
    if isinstance(platform, AcceleratorConfig):
        platform = Platform(platform)
    if not isinstance(batch, int) or isinstance(batch, bool) or batch < 1:
        raise ValueError(f"batch must be a positive integer, got {batch!r}")
    results = tuple(simulate_layer(layer, platform, batch, exact) for layer in layers)
    if not results:
        raise ValueError("no layers to simulate")
    pes = platform.chiplet.pes * platform.n_chiplets
    cycles = sum(r.cycles for r in results)
    macs = sum(r.macs for r in results)
    return NetworkResult(
        layers=results,
        batch=batch,
        pes=pes,
        cycles=cycles,
        compute_cycles=sum(r.compute_cycles for r in results),
        stall_cycles=sum(r.stall_cycles for r in results),
        macs=macs,
        utilization=macs / (cycles * pes) if cycles else 0.0,
        sram_bytes=sum(r.sram_bytes for r in results),
        dram_bytes=sum(r.dram_bytes for r in results),
        link_bytes=sum(r.link_bytes for r in results),
        latency_s=cycles / (platform.chiplet.clock_ghz * 1e9) + sum(r.link_s for r in results),
        energy_j=sum(r.energy_j for r in results),
    )
