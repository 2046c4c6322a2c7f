"""Errors and input validation of the packaging model (every error is a ``PackagingError``, a ValueError)."""

from __future__ import annotations

import math

from hwsim.engine.packaging.params import ACTUARY_PARAMETERS, KNOWN_NODES, PACKAGE_TYPES


# --------------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------------
class PackagingError(ValueError):
    """Base class of every bad-input error raised by this module."""


class UnknownNodeError(PackagingError):
    """The process node is not a row of the parameter table."""


class UnknownPackageError(PackagingError):
    """The package type is not one of :data:`PACKAGE_TYPES`."""


class InvalidAreaError(PackagingError):
    """An area is non-positive, not finite, or otherwise inconsistent."""


class AreaTooLargeError(InvalidAreaError):
    """A die or interposer is too large for the model's dies-per-wafer formula (< 1 per wafer)."""


class DieTooLargeError(AreaTooLargeError):
    """Fewer than one die of this area fits on a 300 mm wafer by the model's formula."""


class InterposerTooLargeError(AreaTooLargeError):
    """Fewer than one interposer/RDL of this area fits on a 300 mm wafer by the model's formula."""


class InvalidCountError(PackagingError):
    """A chip count / chiplet number is not a positive integer, or a package holds no chip."""


class InvalidVolumeError(PackagingError):
    """A production volume is not a positive integer."""


# --------------------------------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------------------------------
def _check_area(area_mm2: float, what: str = "area") -> float:
    if isinstance(area_mm2, bool) or not isinstance(area_mm2, (int, float)):
        raise InvalidAreaError(f"{what} must be a number of mm², got {area_mm2!r}")
    area = float(area_mm2)
    if not math.isfinite(area) or area <= 0.0:
        raise InvalidAreaError(f"{what} must be a positive finite number of mm², got {area_mm2!r}")
    return area


def _check_count(count: int, what: str = "count") -> int:
    if isinstance(count, bool) or not isinstance(count, int):
        raise InvalidCountError(f"{what} must be a positive integer, got {count!r}")
    if count < 1:
        raise InvalidCountError(f"{what} must be a positive integer, got {count!r}")
    return count


def _check_volume(volume: int) -> int:
    if isinstance(volume, bool) or not isinstance(volume, int) or volume < 1:
        raise InvalidVolumeError(f"production volume must be a positive integer, got {volume!r}")
    return volume


def normalize_node(node: int | str) -> int:
    """Return the node in nm as an ``int`` (accepts ``5``, ``"5"``, ``"5nm"``, ``"5 nm"``).

    Raises :class:`UnknownNodeError` when it is not one of :data:`KNOWN_NODES`.
    """
    value: object = node
    if isinstance(node, str):
        text = node.strip().lower().removesuffix("nm").strip()
        try:
            value = int(text)
        except ValueError:
            value = None
    elif isinstance(node, float) and node.is_integer():
        value = int(node)
    if isinstance(value, bool) or not isinstance(value, int) or value not in ACTUARY_PARAMETERS["nodes"]:
        known = ", ".join(str(n) for n in KNOWN_NODES)
        raise UnknownNodeError(f"unknown process node {node!r}; known nodes (nm): {known}")
    return value


def _check_package(package: str) -> str:
    key = package.strip().lower() if isinstance(package, str) else package
    if key not in PACKAGE_TYPES:
        raise UnknownPackageError(f"unknown package type {package!r}; expected one of: {', '.join(PACKAGE_TYPES)}")
    return key
