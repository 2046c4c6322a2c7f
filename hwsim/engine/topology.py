"""SCALE-Sim v3 topology CSVs (conv and GEMM) read as-is into frozen layer dataclasses.

Formats (SCALE-Sim v3 ``topologies/``; parsing mirrors ``scalesim/topology_utils.py``
``topologies.load_arrays_conv`` / ``load_arrays_gemm``):

* conv: ``Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,``
  — one trailing comma, an optional 9th column with an ``N:M`` sparsity ratio, and any further trailing
  columns (e.g. the ``Eh,Ew,e2`` of SCALE-Sim's ``conv_nets/Resnet50.csv``) are ignored.
* GEMM: ``Layer, M, N, K,`` (optional 5th column ``N:M`` sparsity ratio).

The first non-blank line is the header. Blank rows and rows whose cells are all empty (``,,,,``) are
skipped (SCALE-Sim itself fails on the latter). Spaces around values are stripped; a missing trailing
comma is tolerated. Depth-wise layers (SCALE-Sim expands names containing ``DP`` into one layer per channel)
are NOT expanded: hwsim reads such a row as one ordinary conv layer.

Every malformed input raises :class:`TopologyError` naming the source, the 1-based line and column.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from pathlib import Path

CONV_COLUMNS = (
    "Layer name",
    "IFMAP Height",
    "IFMAP Width",
    "Filter Height",
    "Filter Width",
    "Channels",
    "Num Filter",
    "Strides",
)
GEMM_COLUMNS = ("Layer", "M", "N", "K")
DATAFLOWS = ("os", "ws", "is")
_SPARSITY_RE = re.compile(r"^\s*(\d+)\s*:\s*(\d+)\s*$")


class TopologyError(ValueError):
    """A topology CSV is malformed; the message names ``source: line L, column C (Column name)``."""


def _axis_extent(n_in: int, f: int, s: int, n_out: int) -> tuple[int, int]:
    """``(covered, summed)`` along one ifmap axis of ``n_in`` positions with ``n_out`` windows of length ``f``
    at stride ``s``: positions some window touches, and the windows' lengths clipped to the ifmap, summed."""
    full = min(n_out, (n_in - f) // s + 1) if n_in >= f else 0
    summed = full * f + sum(max(0, min(f, n_in - o * s)) for o in range(full, n_out))
    covered = summed if s >= f else min(n_in, (n_out - 1) * s + f)
    return covered, summed


@dataclass(frozen=True)
class _LayerBase:
    """Common GEMM view of a layer (SCALE-Sim's operand-matrix shapes).

    Subclasses provide ``ofmap_pixels`` (rows of the ifmap operand matrix, per image), ``window_size``
    (its columns: the reduction length) and ``num_filters`` (columns of the filter operand matrix).
    """

    def gemm_view(self, dataflow: str, batch: int = 1) -> tuple[int, int, int]:
        """Return SCALE-Sim's spatio-temporal dims ``(Sr, Sc, T)`` for ``dataflow`` ('os'|'ws'|'is').

        Source: ``scalesim/topology_utils.py`` ``topologies.calc_spatio_temporal_params``:
        os → (ofmap px, num filters, window); ws → (window, num filters, ofmap px);
        is → (window, ofmap px, num filters). A batch of ``batch`` images multiplies the ofmap pixels
        (the ifmap operand matrix gets ``batch`` times more rows); SCALE-Sim has no batch (``batch=1``).
        Raises ValueError on an unknown dataflow or a batch < 1.
        """
        if dataflow not in DATAFLOWS:
            raise ValueError(f"unknown dataflow {dataflow!r}; expected one of {', '.join(DATAFLOWS)}")
        if not isinstance(batch, int) or batch < 1:
            raise ValueError(f"batch must be a positive integer, got {batch!r}")
        px = self.ofmap_pixels * batch
        if dataflow == "os":
            return px, self.num_filters, self.window_size
        if dataflow == "ws":
            return self.window_size, self.num_filters, px
        return self.window_size, px, self.num_filters

    @property
    def macs(self) -> int:
        """Multiply-accumulates per image: ofmap px × num filters × window (SCALE-Sim ``topo_calc_hyperparams``)."""
        return self.ofmap_pixels * self.num_filters * self.window_size

    @property
    def filter_elems(self) -> int:
        """Elements of the filter operand (window × num filters)."""
        return self.window_size * self.num_filters

    @property
    def ofmap_elems(self) -> int:
        """Output elements per image (ofmap px × num filters)."""
        return self.ofmap_pixels * self.num_filters

    def with_filters(self, num_filters: int):
        """Same layer with ``num_filters`` output channels (GEMM: N); used to split a layer across chiplets."""
        raise NotImplementedError


@dataclass(frozen=True)
class ConvLayer(_LayerBase):
    """A 2-D convolution: ifmap ``ifmap_h × ifmap_w × channels``, ``num_filters`` filters of
    ``filter_h × filter_w × channels``, the same ``stride`` along both axes (SCALE-Sim copies the stride to the
    column direction). ``sparsity`` is the optional ``(N, M)`` ratio of the 9th column (default ``(1, 1)``;
    only recorded, since hwsim models dense arrays like SCALE-Sim with ``SparsitySupport: false``).
    """

    name: str
    ifmap_h: int
    ifmap_w: int
    filter_h: int
    filter_w: int
    channels: int
    num_filters: int
    stride: int
    sparsity: tuple[int, int] = (1, 1)

    @property
    def ofmap_h(self) -> int:
        """``ceil((ifmap_h - filter_h + stride) / stride)`` (SCALE-Sim ``topo_calc_hyperparams``)."""
        return math.ceil((self.ifmap_h - self.filter_h + self.stride) / self.stride)

    @property
    def ofmap_w(self) -> int:
        """``ceil((ifmap_w - filter_w + stride) / stride)`` (SCALE-Sim ``topo_calc_hyperparams``)."""
        return math.ceil((self.ifmap_w - self.filter_w + self.stride) / self.stride)

    @property
    def ofmap_pixels(self) -> int:
        """Output pixels per filter per image (``ofmap_h × ofmap_w``)."""
        return self.ofmap_h * self.ofmap_w

    @property
    def window_size(self) -> int:
        """Reduction length ``filter_h × filter_w × channels`` (SCALE-Sim's window size)."""
        return self.filter_h * self.filter_w * self.channels

    @property
    def ifmap_elems(self) -> int:
        """Ifmap elements the convolution actually touches per image: rows/columns skipped when stride >
        filter are not read, and neither is the part of a last window that hangs off the ifmap (SCALE-Sim's
        ``operand_matrix.calc_ifmap_elem_addr`` gives those addresses ``-1``) — equals SCALE-Sim's "DRAM IFMAP
        Reads" when the ifmap fits on chip. E.g. ifmap 6×3, filter 1×1, 16 channels, stride 4: windows at rows
        0 and 4 (the one at column 4 lies outside): 2 × 1 × 16 = 32 elements."""
        return (
            _axis_extent(self.ifmap_h, self.filter_h, self.stride, self.ofmap_h)[0]
            * _axis_extent(self.ifmap_w, self.filter_w, self.stride, self.ofmap_w)[0]
            * self.channels
        )

    @property
    def ifmap_window_elems(self) -> int:
        """Valid (inside-the-ifmap) entries of the ifmap operand matrix per image: ofmap pixels × window, minus
        the window parts hanging off the ifmap; counts an element once per window that reads it."""
        return (
            _axis_extent(self.ifmap_h, self.filter_h, self.stride, self.ofmap_h)[1]
            * _axis_extent(self.ifmap_w, self.filter_w, self.stride, self.ofmap_w)[1]
            * self.channels
        )

    def with_filters(self, num_filters: int) -> ConvLayer:
        """Copy with ``num_filters`` filters."""
        return replace(self, num_filters=num_filters)


@dataclass(frozen=True)
class GemmLayer(_LayerBase):
    """``C[M×N] = A[M×K] · B[K×N]`` as in SCALE-Sim's ``Layer, M, N, K`` files.

    SCALE-Sim (``topology_utils.load_arrays_gemm``) maps it to a conv with ifmap ``M × K``, a ``1 × K``
    filter, 1 channel, ``N`` filters and stride 1, so ofmap px = M, window = K, num filters = N.
    """

    name: str
    m: int
    n: int
    k: int
    sparsity: tuple[int, int] = (1, 1)

    @property
    def ofmap_pixels(self) -> int:
        """M (rows of the ifmap operand)."""
        return self.m

    @property
    def window_size(self) -> int:
        """K (reduction length)."""
        return self.k

    @property
    def num_filters(self) -> int:
        """N (columns of the output)."""
        return self.n

    @property
    def ifmap_elems(self) -> int:
        """M × K elements of A per image."""
        return self.m * self.k

    @property
    def ifmap_window_elems(self) -> int:
        """M × K (every entry of A is read by exactly one row of the operand matrix)."""
        return self.m * self.k

    def with_filters(self, num_filters: int) -> GemmLayer:
        """Copy with ``n = num_filters``."""
        return replace(self, n=num_filters)


Layer = ConvLayer | GemmLayer


def _rows(text: str):
    """Yield (1-based line number, stripped cells) of non-blank, non-all-empty rows."""
    for lineno, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not raw.strip():
            continue
        cells = [c.strip() for c in raw.split(",")]
        if not any(cells):
            continue
        yield lineno, cells


def _positive_int(value: str, where: str) -> int:
    if not re.fullmatch(r"\+?\d+", value) or int(value) < 1:
        raise TopologyError(f"{where}: {value!r} is not a positive integer")
    return int(value)


def _sparsity(cells: list[str], index: int, where: str) -> tuple[int, int]:
    if len(cells) <= index or not cells[index]:
        return (1, 1)
    m = _SPARSITY_RE.match(cells[index])
    if not m or int(m.group(1)) < 1 or int(m.group(2)) < int(m.group(1)):
        raise TopologyError(f"{where}: {cells[index]!r} is not a sparsity ratio N:M with 1 <= N <= M")
    return int(m.group(1)), int(m.group(2))


def _is_gemm_header(cells: list[str]) -> bool:
    named = [c.lower() for c in cells if c]
    return len(named) == 4 and named[1:] == ["m", "n", "k"]


def _parse(text: str, source: str, columns: tuple[str, ...], gemm: bool) -> list:
    rows = _rows(text)
    header = next(rows, None)
    if header is None:
        raise TopologyError(f"{source}: empty topology (no header line)")
    hline, hcells = header
    if gemm and not _is_gemm_header(hcells):
        raise TopologyError(
            f"{source}: line {hline}: header {','.join(hcells)!r} is not a GEMM header 'Layer, M, N, K,'"
        )
    if not gemm and _is_gemm_header(hcells):
        raise TopologyError(f"{source}: line {hline}: this is a GEMM 'Layer, M, N, K' file; read it as GEMM")
    layers = []
    for lineno, cells in rows:
        if len(cells) < len(columns) or not all(cells[: len(columns)]):
            missing = next((i for i in range(len(columns)) if i >= len(cells) or not cells[i]), 0)
            hint = " (values must be separated by commas)" if len(cells) == 1 and re.search(r"[\t;]", cells[0]) else ""
            raise TopologyError(
                f"{source}: line {lineno}, column {missing + 1} ({columns[missing]}): "
                f"missing value{hint} (expected {len(columns)} columns: {', '.join(columns)})"
            )
        values = [
            _positive_int(cells[i], f"{source}: line {lineno}, column {i + 1} ({columns[i]})")
            for i in range(1, len(columns))
        ]
        sp_col = len(columns)
        sparsity = _sparsity(cells, sp_col, f"{source}: line {lineno}, column {sp_col + 1} (Sparsity)")
        if gemm:
            m, n, k = values
            layers.append(GemmLayer(cells[0], m, n, k, sparsity))
            continue
        ih, iw, fh, fw, ch, nf, stride = values
        if fh > ih:
            raise TopologyError(
                f"{source}: line {lineno}, column 4 (Filter Height): filter height {fh} is "
                f"larger than IFMAP height {ih}"
            )
        if fw > iw:
            raise TopologyError(
                f"{source}: line {lineno}, column 5 (Filter Width): filter width {fw} is larger than IFMAP width {iw}"
            )
        layers.append(ConvLayer(cells[0], ih, iw, fh, fw, ch, nf, stride, sparsity))
    if not layers:
        raise TopologyError(f"{source}: no layers after the header (line {hline})")
    return layers


def parse_conv_csv(text: str, source: str = "<string>") -> list[ConvLayer]:
    """Parse a SCALE-Sim conv topology (text) into ``ConvLayer``s, in file order.

    Raises TopologyError (line/column named) on a missing or non-positive-integer value, a bad sparsity
    ratio, a filter larger than the ifmap (SCALE-Sim's ``append_topo_arrays`` asserts the same), a GEMM
    header, or no layers.
    """
    return _parse(text, source, CONV_COLUMNS, gemm=False)


def parse_gemm_csv(text: str, source: str = "<string>") -> list[GemmLayer]:
    """Parse a SCALE-Sim GEMM topology ``Layer, M, N, K,`` (text) into ``GemmLayer``s, in file order.

    Raises TopologyError (line/column named) on a non-GEMM header, a missing or non-positive value,
    a bad sparsity ratio, or no layers.
    """
    return _parse(text, source, GEMM_COLUMNS, gemm=True)


def detect_gemm(text: str) -> bool:
    """True when the first non-blank line is a GEMM header (``Layer, M, N, K``)."""
    first = next(_rows(text), None)
    return first is not None and _is_gemm_header(first[1])


def load_topology(path: str | Path, gemm: bool | None = None) -> list[ConvLayer] | list[GemmLayer]:
    """Read a topology CSV file; ``gemm=None`` auto-detects the format from the header line.

    Raises TopologyError when the file cannot be read (message names the path) or is malformed.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TopologyError(f"{path}: cannot read topology file: {exc}") from None
    if gemm is None:
        gemm = detect_gemm(text)
    return parse_gemm_csv(text, str(path)) if gemm else parse_conv_csv(text, str(path))
