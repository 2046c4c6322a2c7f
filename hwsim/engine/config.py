"""Accelerator configuration: one R×C systolic array with its three SRAMs, clock, off-chip bandwidth, energies.

Two file formats are read:

* SCALE-Sim v3 ``.cfg`` (INI; see SCALE-Sim's ``configs/scale.cfg`` and ``scalesim/scale_config.py``
  ``scale_config.read_conf_file``): ``[architecture_presets]`` ArrayHeight → rows, ArrayWidth → cols,
  IfmapSramSzkB / FilterSramSzkB / OfmapSramSzkB → KiB (SCALE-Sim multiplies by 1024), Dataflow. With
  ``[run_presets] InterfaceBandwidth: USER`` the DRAM channels are read as SCALE-Sim's
  ``single_layer_sim.run`` does: ``[layout] IfmapSRAMBankBandwidth`` → ``ifmap_bandwidth_gbps``,
  ``[layout] FilterSRAMBankBandwidth`` → ``filter_bandwidth_gbps`` and the first ``[architecture_presets]
  Bandwidth`` value → ``bandwidth_gbps`` (the ofmap channel), all words/cycle × 1 byte × clock; a missing
  ``[layout]`` key falls back to ``Bandwidth``. CALC → unlimited (``bandwidth_gbps=None``). Keys are
  case-insensitive; the other sections are ignored. SCALE-Sim has no clock, word size or energies: hwsim's
  defaults apply (1 GHz, 1-byte words like SCALE-Sim's ``single_layer_sim.run`` ``word_size = 1``).
* hwsim JSON: an object whose keys are the :class:`AcceleratorConfig` field names (all optional except
  ``rows`` and ``cols``); unknown keys are errors.

Errors raise :class:`ConfigError` (a ValueError) naming the file and the offending key.
"""

from __future__ import annotations

import configparser
import json
import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path

DATAFLOWS = ("os", "ws", "is")


class ConfigError(ValueError):
    """An accelerator / platform configuration is invalid; the message names the source and the key."""


@dataclass(frozen=True)
class AcceleratorConfig:
    """One systolic-array accelerator (a chiplet).

    Fields (units):

    * ``rows``, ``cols``: PE array height R and width C (SCALE-Sim ArrayHeight / ArrayWidth).
    * ``dataflow``: ``'os'`` output-, ``'ws'`` weight-, ``'is'`` input-stationary.
    * ``ifmap_sram_kib``, ``filter_sram_kib``, ``ofmap_sram_kib``: SRAM sizes in KiB (1024 bytes), each
      double-buffered like SCALE-Sim's ``double_buffered_scratchpad`` (half is the active working set).
    * ``word_size_bytes``: bytes per operand element (SCALE-Sim: 1).
    * ``clock_ghz``: array clock in GHz (cycles → seconds).
    * ``bandwidth_gbps``: off-chip (DRAM) bandwidth in GB/s (10⁹ bytes/s) of the ofmap channel, and of the
      ifmap and filter channels unless given below; ``None`` = unlimited, i.e. SCALE-Sim's
      ``InterfaceBandwidth: CALC`` (no stalls; the per-operand values are then ignored). Like SCALE-Sim's USER
      mode, each operand has its own channel (not one shared total).
    * ``ifmap_bandwidth_gbps``, ``filter_bandwidth_gbps``: the ifmap / filter DRAM channels in GB/s
      (SCALE-Sim ``IfmapSRAMBankBandwidth`` / ``FilterSRAMBankBandwidth``); ``None`` = ``bandwidth_gbps``.
    * ``mac_energy_pj``: energy per MAC. Default 0.23 pJ = 8-bit integer multiply 0.2 pJ + 8-bit add
      0.03 pJ, 45 nm (M. Horowitz, "Computing's energy problem (and what we can do about it)",
      ISSCC 2014, Fig. 1.1.9). For fp32 use 4.6 pJ (3.7 mult + 0.9 add, same source).
    * ``sram_energy_pj_per_byte``: on-chip SRAM access energy. Default 2.5 pJ/byte = 20 pJ per 64-bit read of
      a 32 KB SRAM (Horowitz ISSCC 2014; 8 KB: 10 pJ, 1 MB: 100 pJ per 64 bits).
    * ``dram_energy_pj_per_byte``: off-chip DRAM access energy. Default 162.5 pJ/byte = 1.3 nJ per 64-bit
      DRAM access, the low end of Horowitz ISSCC 2014's 1.3–2.6 nJ range.

    Raises ConfigError on any out-of-range value.
    """

    rows: int = 32
    cols: int = 32
    dataflow: str = "ws"
    ifmap_sram_kib: int = 64
    filter_sram_kib: int = 64
    ofmap_sram_kib: int = 64
    word_size_bytes: int = 1
    clock_ghz: float = 1.0
    bandwidth_gbps: float | None = None
    mac_energy_pj: float = 0.23
    sram_energy_pj_per_byte: float = 2.5
    dram_energy_pj_per_byte: float = 162.5
    ifmap_bandwidth_gbps: float | None = None
    filter_bandwidth_gbps: float | None = None

    def __post_init__(self) -> None:
        for name in ("rows", "cols", "ifmap_sram_kib", "filter_sram_kib", "ofmap_sram_kib", "word_size_bytes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{name} must be a positive integer, got {value!r}")
        if self.dataflow not in DATAFLOWS:
            raise ConfigError(f"dataflow must be one of {', '.join(DATAFLOWS)}, got {self.dataflow!r}")
        _positive_number("clock_ghz", self.clock_ghz)
        for name in ("bandwidth_gbps", "ifmap_bandwidth_gbps", "filter_bandwidth_gbps"):
            if getattr(self, name) is not None:
                _positive_number(name, getattr(self, name))
        for name in ("mac_energy_pj", "sram_energy_pj_per_byte", "dram_energy_pj_per_byte"):
            _positive_number(name, getattr(self, name), allow_zero=True)

    @property
    def pes(self) -> int:
        """Number of processing elements R × C."""
        return self.rows * self.cols

    @property
    def ifmap_channel_gbps(self) -> float | None:
        """The ifmap DRAM channel in GB/s (``ifmap_bandwidth_gbps`` or ``bandwidth_gbps``); None if unlimited."""
        if self.bandwidth_gbps is None:
            return None
        return self.bandwidth_gbps if self.ifmap_bandwidth_gbps is None else self.ifmap_bandwidth_gbps

    @property
    def filter_channel_gbps(self) -> float | None:
        """The filter DRAM channel in GB/s (``filter_bandwidth_gbps`` or ``bandwidth_gbps``); None if unlimited."""
        if self.bandwidth_gbps is None:
            return None
        return self.bandwidth_gbps if self.filter_bandwidth_gbps is None else self.filter_bandwidth_gbps

    @property
    def bytes_per_cycle(self) -> float | None:
        """Off-chip bandwidth in bytes per array cycle (``bandwidth_gbps / clock_ghz``); None if unlimited."""
        return None if self.bandwidth_gbps is None else self.bandwidth_gbps / self.clock_ghz

    def to_dict(self) -> dict:
        """Plain dict of every field (the JSON format read by :func:`parse_config_json`)."""
        return asdict(self)

    def with_overrides(self, **changes) -> AcceleratorConfig:
        """Copy with the given non-None fields replaced (validated). Raises ConfigError on unknown names."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ConfigError(f"unknown configuration key(s): {', '.join(unknown)}")
        data = self.to_dict()
        data.update({k: v for k, v in changes.items() if v is not None})
        return AcceleratorConfig(**data)


def _positive_number(name: str, value, allow_zero: bool = False) -> None:
    ok = (
        not isinstance(value, bool)
        and isinstance(value, (int, float))
        and math.isfinite(value)
        and (value >= 0 if allow_zero else value > 0)
    )
    if not ok:
        kind = "a non-negative" if allow_zero else "a positive"
        raise ConfigError(f"{name} must be {kind} finite number, got {value!r}")


def parse_scalesim_cfg(text: str, source: str = "<string>", clock_ghz: float = 1.0) -> AcceleratorConfig:
    """Parse a SCALE-Sim v3 ``.cfg`` text into an AcceleratorConfig (mapping in the module docstring).

    With ``InterfaceBandwidth: USER``, ``Bandwidth`` (first value), ``IfmapSRAMBankBandwidth`` and
    ``FilterSRAMBankBandwidth`` (words/cycle) become ``bandwidth_gbps``, ``ifmap_bandwidth_gbps`` and
    ``filter_bandwidth_gbps`` = words × word_size (1 byte) × clock_ghz. Raises ConfigError (naming ``source``
    and the key) on INI syntax errors, missing or non-integer required keys, or an invalid value.
    """
    parser = configparser.ConfigParser()
    try:
        parser.read_string(text, source=source)
    except configparser.Error as exc:
        raise ConfigError(f"{source}: not a valid SCALE-Sim .cfg file: {exc}") from None
    section = "architecture_presets"
    if not parser.has_section(section):
        raise ConfigError(f"{source}: missing section [{section}]")

    def get(key: str, sect: str = section) -> str:
        if not parser.has_option(sect, key):
            raise ConfigError(f"{source}: [{sect}] missing key {key}")
        return parser.get(sect, key).strip()

    def get_int(key: str) -> int:
        value = get(key)
        try:
            return int(value)
        except ValueError:
            raise ConfigError(f"{source}: [{section}] {key}: {value!r} is not an integer") from None

    mode = "CALC"
    if parser.has_option("run_presets", "InterfaceBandwidth"):
        mode = get("InterfaceBandwidth", "run_presets").upper()
    if mode not in ("CALC", "USER"):
        raise ConfigError(f"{source}: [run_presets] InterfaceBandwidth must be CALC or USER, got {mode!r}")
    bandwidth = ifmap_bw = filter_bw = None

    def words(key: str, sect: str) -> float:
        raw = get(key, sect).split(",")[0].strip()
        try:
            return float(raw) * 1 * clock_ghz
        except ValueError:
            raise ConfigError(f"{source}: [{sect}] {key}: {raw!r} is not a number") from None

    if mode == "USER":
        bandwidth = words("Bandwidth", section)
        has = parser.has_option
        ifmap_bw = words("IfmapSRAMBankBandwidth", "layout") if has("layout", "IfmapSRAMBankBandwidth") else None
        filter_bw = words("FilterSRAMBankBandwidth", "layout") if has("layout", "FilterSRAMBankBandwidth") else None
    try:
        return AcceleratorConfig(
            rows=get_int("ArrayHeight"),
            cols=get_int("ArrayWidth"),
            dataflow=get("Dataflow").lower(),
            ifmap_sram_kib=get_int("IfmapSramSzkB"),
            filter_sram_kib=get_int("FilterSramSzkB"),
            ofmap_sram_kib=get_int("OfmapSramSzkB"),
            word_size_bytes=1,
            clock_ghz=clock_ghz,
            bandwidth_gbps=bandwidth,
            ifmap_bandwidth_gbps=ifmap_bw,
            filter_bandwidth_gbps=filter_bw,
        )
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None


def parse_config_json(text: str, source: str = "<string>") -> AcceleratorConfig:
    """Parse hwsim's JSON accelerator format (an object of AcceleratorConfig fields).

    Raises ConfigError on invalid JSON (with line/column), a non-object, unknown keys or invalid values.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{source}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a JSON object of accelerator fields")
    known = {f.name for f in fields(AcceleratorConfig)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    for required in ("rows", "cols"):
        if required not in data:
            raise ConfigError(f"{source}: missing key {required!r}")
    try:
        return AcceleratorConfig(**data)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None


def load_config(path: str | Path) -> AcceleratorConfig:
    """Read a ``.json`` (hwsim) or any other extension (SCALE-Sim ``.cfg``) configuration file.

    Raises ConfigError when the file cannot be read or is invalid.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration file: {exc}") from None
    if path.suffix.lower() == ".json":
        return parse_config_json(text, str(path))
    return parse_scalesim_cfg(text, str(path))
