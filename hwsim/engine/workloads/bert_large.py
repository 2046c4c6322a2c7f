"""BERT-Large encoder as SCALE-Sim GEMMs (pure Python, no Django).

Source: J. Devlin, M.-W. Chang, K. Lee, K. Toutanova, "BERT: Pre-training of Deep Bidirectional
Transformers for Language Understanding", NAACL 2019 — BERT-Large: L = 24 layers, hidden H = 1024,
A = 16 attention heads (head dim 64), feed-forward size 4H = 4096.

M/N/K convention (the one of SCALE-Sim's GEMM CSV, ``Layer, M, N, K,``): SCALE-Sim turns a row into a
conv with IFMAP M×K, one K-wide 1×K filter per output column and N filters, i.e. the output is M×N and
K is the reduction. We follow it exactly: **M = rows of the output (tokens), N = output columns
(features), K = reduction** — as in SCALE-Sim's own ``GEMM_mnk/gpt2.csv`` (``Linear1,1024,4800,1600``:
1024 tokens, 4800 = 3·1600 fused QKV outputs, 1600 hidden; ``QKT,1024,1024,64``: scores of one head).

Per encoder layer with sequence length s (batch 1), in execution order:

==========  ============  ======  =====  ===================================================
row name    M             N       K      what
==========  ============  ======  =====  ===================================================
``Q``       s             1024    1024   query projection X·W_Q
``K``       s             1024    1024   key projection X·W_K
``V``       s             1024    1024   value projection X·W_V
``QKT_hNN`` s             s       64     scores Q_h·K_hᵀ of head NN (16 rows, one per head)
``AV_hNN``  s             64      s      context softmax(…)_h·V_h of head NN (16 rows)
``O``       s             1024    1024   attention output projection
``FFN1``    s             4096    1024   feed-forward up-projection
``FFN2``    s             1024    4096   feed-forward down-projection
==========  ============  ======  =====  ===================================================

So 38 rows per layer (912 for 24 layers) and 12·s·H² + 2·s²·H MACs per layer. With
``per_head=False`` the 16 heads are instead stacked along M into one ``QKT`` row (M = 16·s, N = s,
K = 64) and one ``AV`` row (M = 16·s, N = 64, K = s): same MACs, 8 rows per layer, but the simulator
then treats the 16 heads' different K_h / V_h operands as one shared operand, which under-counts
their loads — per-head rows (the default) are the faithful representation.

Softmax, layer norms, GELU, bias adds, the embeddings and the pooler/QA head are not GEMMs of the
encoder layers and are not included.
"""

from __future__ import annotations

HIDDEN = 1024
HEADS = 16
HEAD_DIM = 64
FFN = 4096
LAYERS = 24

GEMM_CSV_HEADER = "Layer, M, N, K,"


def bert_large_encoder_gemms(
    seq_len: int = 384, layers: int = LAYERS, *, per_head: bool = True
) -> list[tuple[str, int, int, int]]:
    """Return ``(name, M, N, K)`` for every GEMM of ``layers`` BERT-Large encoder layers (batch 1).

    ``seq_len`` is the number of tokens (MLPerf's BERT benchmark uses 384). Names are
    ``L<layer>_<gemm>``, e.g. ``L00_Q``, ``L00_QKT_h15``, ``L23_FFN2``; see the module docstring for
    the table of shapes and the ``per_head`` option.
    """
    for label, value in (("seq_len", seq_len), ("layers", layers)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{label} must be a positive integer, got {value!r}")
    s = seq_len
    width = max(2, len(str(layers - 1)))
    rows: list[tuple[str, int, int, int]] = []
    for layer in range(layers):
        p = f"L{layer:0{width}d}_"
        rows += [(p + "Q", s, HIDDEN, HIDDEN), (p + "K", s, HIDDEN, HIDDEN), (p + "V", s, HIDDEN, HIDDEN)]
        if per_head:
            rows += [(f"{p}QKT_h{h:02d}", s, s, HEAD_DIM) for h in range(HEADS)]
            rows += [(f"{p}AV_h{h:02d}", s, HEAD_DIM, s) for h in range(HEADS)]
        else:
            rows += [(p + "QKT", HEADS * s, s, HEAD_DIM), (p + "AV", HEADS * s, HEAD_DIM, s)]
        rows += [(p + "O", s, HIDDEN, HIDDEN), (p + "FFN1", s, FFN, HIDDEN), (p + "FFN2", s, HIDDEN, FFN)]
    return rows


def to_gemm_csv(rows: list[tuple[str, int, int, int]]) -> str:
    """Write ``(name, M, N, K)`` rows as SCALE-Sim's GEMM CSV text.

    Header ``Layer, M, N, K,`` first, one ``name, M, N, K,`` line per row (SCALE-Sim drops the field
    after the trailing comma), ``\\n`` line ends, ending with a newline. Raises ``ValueError`` for a
    name that is empty or contains a comma/newline, or a dimension that is not a positive int.
    """
    lines = [GEMM_CSV_HEADER]
    for row in rows:
        name, *dims = row
        if len(dims) != 3:
            raise ValueError(f"expected (name, M, N, K), got {row!r}")
        name = str(name).strip()
        if not name or any(ch in name for ch in ",\r\n"):
            raise ValueError(f"invalid GEMM layer name {row[0]!r}")
        for d in dims:
            if isinstance(d, bool) or not isinstance(d, int) or d < 1:
                raise ValueError(f"GEMM dimensions must be positive integers, got {row!r}")
        lines.append(f"{name}, {dims[0]}, {dims[1]}, {dims[2]},")
    return "\n".join(lines) + "\n"
