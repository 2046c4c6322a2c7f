"""Simulated devices for :mod:`hwsim.engine.loadgen` and the device protocol adapter.

Device protocol. A device is either a callable ``f(n) -> seconds`` or an object with a method
``service_time_s(n: int) -> float``: the time in seconds the accelerator needs for one batch of
``n >= 1`` samples. Each batch's time is rounded to the nearest nanosecond and must be > 0. If the
object has ``deterministic = True`` the time is cached per ``n`` (much faster); otherwise it is called
once per batch (e.g. a stochastic device with its own seeded RNG).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hwsim.engine.loadgen.rules import NS_PER_S


@dataclass(frozen=True)
class ConstantDevice:
    """Every batch takes ``service_s`` seconds regardless of its size (> 0)."""

    service_s: float
    deterministic = True

    def service_time_s(self, n: int) -> float:
        return self.service_s


@dataclass(frozen=True)
class AffineDevice:
    """A batch of ``n`` samples takes ``fixed_s + n * per_sample_s`` seconds."""

    fixed_s: float
    per_sample_s: float
    deterministic = True

    def service_time_s(self, n: int) -> float:
        return self.fixed_s + n * self.per_sample_s


class ExponentialDevice:
    """Exponentially distributed batch time, mean ``mean_s`` seconds, own seeded RNG (M/M/1 tests)."""

    deterministic = False

    def __init__(self, mean_s: float, seed: int = 0) -> None:
        if not mean_s > 0:
            raise ValueError(f"mean_s must be > 0, got {mean_s!r}")
        self.mean_s = mean_s
        self._rng = random.Random(seed)

    def service_time_s(self, n: int) -> float:
        return self._rng.expovariate(1.0 / self.mean_s)


def _service_ns_fn(device: Any) -> Callable[[int], int]:
    """Wrap a device into ``f(n) -> int nanoseconds`` (cached if deterministic). Raises ValueError."""
    fn = device.service_time_s if hasattr(device, "service_time_s") else device
    if not callable(fn):
        raise TypeError("device must be callable or have service_time_s(n)")

    def to_ns(n: int) -> int:
        s = fn(n)
        try:
            ns = int(s * NS_PER_S + 0.5)
        except (OverflowError, ValueError, TypeError):
            raise ValueError(f"device returned a non-finite service time {s!r} for n={n}") from None
        if ns <= 0:
            if not s > 0:
                raise ValueError(f"device service time must be > 0 s, got {s!r} for n={n}")
            ns = 1  # positive but below half a nanosecond: the clock's resolution
        return ns

    if getattr(device, "deterministic", False):
        cache: dict[int, int] = {}

        def cached(n: int) -> int:
            v = cache.get(n)
            if v is None:
                v = cache[n] = to_ns(n)
            return v

        return cached
    return to_ns
