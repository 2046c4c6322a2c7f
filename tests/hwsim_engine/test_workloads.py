"""Built-in workloads of hwsim (``hwsim.engine.workloads``): shapes and MAC totals vs published figures.

The CSV text is parsed here with the ``csv`` module (independently of ``hwsim.engine.topology``), using
SCALE-Sim v3's own rules: header row first, a trailing comma on every line, and
``ofmap = ceil((ifmap − filter + stride) / stride)`` (scalesim/topology_utils.py, topo_calc_hyperparams).
"""

from __future__ import annotations

import csv
import io
import math

import pytest

from hwsim.engine.workloads import (
    BUILTIN_WORKLOADS,
    bert_large_encoder_gemms,
    builtin_topology_text,
    to_gemm_csv,
)

CONV_HEADER = [
    "Layer name",
    "IFMAP Height",
    "IFMAP Width",
    "Filter Height",
    "Filter Width",
    "Channels",
    "Num Filter",
    "Strides",
]
GEMM_HEADER = ["Layer", "M", "N", "K"]


def _rows(text: str, header: list[str]) -> list[list]:
    """Parse SCALE-Sim CSV text: check header and trailing commas, return [name, int, int, …] rows."""
    assert not text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines, "empty CSV"
    head, body = lines[0], lines[1:]
    assert head[-1] == "" and [h.strip() for h in head[:-1]] == header
    out = []
    for line in body:
        assert len(line) == len(header) + 1 and line[-1] == "", f"bad line {line!r}"
        name = line[0].strip()
        assert name
        values = [int(v) for v in line[1:-1]]  # int() rejects non-integers such as '2.0'
        assert all(v > 0 for v in values), f"non-positive value in {line!r}"
        out.append([name, *values])
    assert out, "no layers"
    return out


def _conv_layers(text: str) -> list[list]:
    rows = _rows(text, CONV_HEADER)
    for name, ih, iw, fh, fw, _c, _n, s in rows:
        assert fh <= ih and fw <= iw, name
        # our convention: the IFMAP is the exact padded extent read, so floor and SCALE-Sim's ceil agree
        assert (ih - fh) % s == 0 and (iw - fw) % s == 0, name
    return rows


def _ofmap(ifmap: int, filt: int, stride: int) -> int:
    return math.ceil((ifmap - filt + stride) / stride)  # SCALE-Sim v3 topology_utils formula


def _conv_macs(text: str) -> int:
    return sum(
        _ofmap(ih, fh, s) * _ofmap(iw, fw, s) * fh * fw * c * n for _name, ih, iw, fh, fw, c, n, s in _conv_layers(text)
    )


def _gemm_macs(text: str) -> int:
    return sum(m * n * k for _name, m, n, k in _rows(text, GEMM_HEADER))


def _conv_by_name(text: str) -> dict[str, list]:
    rows = _conv_layers(text)
    names = [r[0] for r in rows]
    assert len(set(names)) == len(names), "duplicate layer names"
    return {r[0]: r for r in rows}


# --------------------------------------------------------------------------------------------- ResNet-50


def test_resnet50_v1_5_macs_match_published_4_09_gmacs():
    # Expected 4,089,184,256: exact sum over the 54 convs incl. FC. Published: torchvision's
    # ResNet50_Weights (v1.5 architecture) lists 4.09 GFLOPS (counted as multiply-adds); the MLPerf
    # ResNet-50 v1.5 reference is the same network. Cross-check against v1 below.
    text = builtin_topology_text("resnet50_v1_5")
    macs = _conv_macs(text)
    assert macs == 4_089_184_256
    assert round(macs / 1e9, 2) == 4.09
    # v1 puts stride 2 on branch2a (1×1) instead of branch2b: in stages 3–5 branch2a then runs at the
    # output resolution, 4× fewer MACs: 3 × (28²·256·128 + 14²·512·256 + 7²·1024·512) = 231,211,008 less,
    # giving He et al.'s ≈ 3.86 G (the paper's Table 1 rounds it to 3.8×10⁹ FLOPs).
    assert macs - 3 * (28 * 28 * 256 * 128 + 14 * 14 * 512 * 256 + 7 * 7 * 1024 * 512) == 3_857_973_248


def test_resnet50_v1_5_structure():
    layers = _conv_by_name(builtin_topology_text("resnet50_v1_5"))
    # 1 stem + (3+4+6+3) bottlenecks × 3 + 4 projection shortcuts + FC (He et al. Table 1, 50-layer)
    assert len(layers) == 1 + 16 * 3 + 4 + 1 == 54
    assert layers["conv1"][1:] == [229, 229, 7, 7, 3, 64, 2]  # 224 + 2·3 pad, trailing unused row dropped
    assert layers["res2a_branch2b"][1:] == [58, 58, 3, 3, 64, 64, 1]  # 'same' 3×3 on 56×56
    # v1.5: the stride 2 is on the 3×3 of the first block of stages 3–5, not on the 1×1
    for stage, hw_in, width in ((3, 56, 128), (4, 28, 256), (5, 14, 512)):
        a = layers[f"res{stage}a_branch2a"]
        b = layers[f"res{stage}a_branch2b"]
        sc = layers[f"res{stage}a_branch1"]
        assert a[1:3] == [hw_in, hw_in] and a[7] == 1 and a[6] == width
        assert b[3:5] == [3, 3] and b[7] == 2 and _ofmap(b[1], 3, 2) == hw_in // 2
        assert sc[3:5] == [1, 1] and sc[7] == 2 and _ofmap(sc[1], 1, 2) == hw_in // 2
    assert layers["fc1000"][1:] == [1, 1, 1, 1, 2048, 1000, 1]


# ------------------------------------------------------------------------------------------- MobileNet


def test_mobilenet_v1_macs_match_paper_569m():
    # Howard et al., arXiv:1704.04861, Table 1 architecture; Table 2 (and Table 8, 1.0 MobileNet-224):
    # 569 million mult-adds. Exact sum over our rows (depthwise as Channels=1, Num Filter=C, i.e.
    # C·Hₒ·Wₒ·9 MACs): 568,740,352, which rounds to 569 M.
    macs = _conv_macs(builtin_topology_text("mobilenet_v1"))
    assert macs == 568_740_352
    assert round(macs / 1e6) == 569


def test_mobilenet_v1_structure_and_depthwise_representation():
    layers = _conv_by_name(builtin_topology_text("mobilenet_v1"))
    assert len(layers) == 1 + 13 * 2 + 1  # stem, 13 dw/pw pairs, FC (Table 1: 28 layers counting dw and pw)
    dw = [r for n, r in layers.items() if n.endswith("_dw")]
    assert len(dw) == 13
    for _name, _ih, _iw, fh, fw, c, n, _s in dw:
        assert (fh, fw, c) == (3, 3, 1) and n in (32, 64, 128, 256, 512, 1024)
    # Table 1 shapes: conv1 3×3/2 → 112×112×32; last pw 7×7×1024; FC 1024 → 1000
    assert layers["conv1"][1:] == [225, 225, 3, 3, 3, 32, 2] and _ofmap(225, 3, 2) == 112
    assert layers["conv13_pw"][1:] == [7, 7, 1, 1, 1024, 1024, 1]
    assert layers["conv13_dw"][7] == 1  # Table 1's "s2" here is a typo: 7×7 in and out
    assert layers["fc1000"][1:] == [1, 1, 1, 1, 1024, 1000, 1]
    # Table 2 breakdown: 1×1 convs 94.86 %, depthwise 3.06 %, FC 0.18 % of the mult-adds
    total = 568_740_352
    dw_macs = sum(_ofmap(r[1], 3, r[7]) ** 2 * 9 * r[6] for r in dw)
    pw_macs = sum(r[1] * r[2] * r[5] * r[6] for n, r in layers.items() if n.endswith("_pw"))
    assert round(100 * dw_macs / total, 2) == 3.06
    assert round(100 * pw_macs / total, 2) == 94.86
    assert round(100 * 1024 * 1000 / total, 2) == 0.18


# ------------------------------------------------------------------------------------------- ResNet-18


def test_resnet18_macs_match_paper_1_8e9():
    # He et al. CVPR 2016 Table 1: 18-layer, 1.8×10⁹ FLOPs (multiply-adds); torchvision lists 1.81 GFLOPS.
    # Exact sum incl. the 3 projection shortcuts and the FC: 1,814,073,344.
    text = builtin_topology_text("resnet18")
    macs = _conv_macs(text)
    assert macs == 1_814_073_344
    assert round(macs / 1e9, 1) == 1.8 and round(macs / 1e9, 2) == 1.81
    layers = _conv_by_name(text)
    assert len(layers) == 1 + 8 * 2 + 3 + 1
    assert layers["fc1000"][1:] == [1, 1, 1, 1, 512, 1000, 1]


# ----------------------------------------------------------------------------------------------- BERT


def _bert_layer_macs_formula(s: int, h: int = 1024, ffn: int = 4096) -> int:
    # Devlin et al.: hidden 1024, 16 heads × 64, FFN 4096. Per layer:
    #   Q, K, V, output projections: 4 · s·h·h
    #   scores QKᵀ and A·V over all 16 heads: 2 · (16 · s·s·64) = 2 · s²·h
    #   FFN up and down: 2 · s·h·ffn (= 8·s·h² since ffn = 4h)
    return 4 * s * h * h + 2 * s * s * h + 2 * s * h * ffn


def test_bert_large_macs_seq384_hand_formula():
    rows = bert_large_encoder_gemms(384)
    macs = sum(m * n * k for _name, m, n, k in rows)
    # 24 · (12·384·1024² + 2·384²·1024) = 24 · (4,831,838,208 + 301,989,888) = 123,211,874,304
    assert macs == 24 * _bert_layer_macs_formula(384) == 123_211_874_304
    # the same through the CSV text of the registry
    assert _gemm_macs(builtin_topology_text("bert_large")) == 123_211_874_304
    assert _gemm_macs(builtin_topology_text("bert_large", seq_len=384, per_head=False)) == 123_211_874_304


@pytest.mark.parametrize("seq_len", [128, 384])
def test_bert_large_rows_and_shapes(seq_len):
    s = seq_len
    rows = bert_large_encoder_gemms(seq_len=s)
    assert len(rows) == 24 * (3 + 16 + 16 + 3) == 912
    assert len({r[0] for r in rows}) == len(rows)
    first = {name.split("_", 1)[1]: (m, n, k) for name, m, n, k in rows if name.startswith("L00_")}
    assert first["Q"] == first["K"] == first["V"] == first["O"] == (s, 1024, 1024)
    assert first["FFN1"] == (s, 4096, 1024)
    assert first["FFN2"] == (s, 1024, 4096)
    assert all(first[f"QKT_h{h:02d}"] == (s, s, 64) for h in range(16))
    assert all(first[f"AV_h{h:02d}"] == (s, 64, s) for h in range(16))
    assert rows[-1][0] == "L23_FFN2"
    assert sum(m * n * k for _name, m, n, k in rows) == 24 * _bert_layer_macs_formula(s)
    # batched heads: 8 rows per layer, heads stacked along M, same MACs
    batched = bert_large_encoder_gemms(seq_len=s, layers=1, per_head=False)
    assert [r[0] for r in batched] == ["L00_Q", "L00_K", "L00_V", "L00_QKT", "L00_AV", "L00_O", "L00_FFN1", "L00_FFN2"]
    assert batched[3][1:] == (16 * s, s, 64) and batched[4][1:] == (16 * s, 64, s)
    assert sum(m * n * k for _name, m, n, k in batched) == _bert_layer_macs_formula(s)


def test_bert_gemm_csv_format_follows_scalesim():
    rows = bert_large_encoder_gemms(seq_len=128, layers=2)
    text = to_gemm_csv(rows)
    assert text.splitlines()[0] == "Layer, M, N, K,"
    assert text.splitlines()[1] == "L00_Q, 128, 1024, 1024,"
    assert text.endswith(",\n")
    parsed = _rows(text, GEMM_HEADER)
    assert [tuple(r) for r in parsed] == rows
    assert builtin_topology_text("bert_large", seq_len=128, layers=2) == text


def test_bert_rejects_bad_arguments():
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError):
            bert_large_encoder_gemms(seq_len=bad)
        with pytest.raises(ValueError):
            bert_large_encoder_gemms(layers=bad)
    with pytest.raises(ValueError):
        to_gemm_csv([("a,b", 1, 1, 1)])
    with pytest.raises(ValueError):
        to_gemm_csv([("x", 0, 1, 1)])


# ------------------------------------------------------------------------------------------- registry


def test_registry_lists_all_workloads_with_metadata():
    assert set(BUILTIN_WORKLOADS) == {"resnet50_v1_5", "mobilenet_v1", "bert_large", "resnet18"}
    for key, info in BUILTIN_WORKLOADS.items():
        assert info.key == key
        assert info.name_en and info.name_zh_hant and info.citation
        assert info.kind in ("conv", "gemm")
        assert info.mlperf_benchmark in ("resnet50", "bert", None)
    assert BUILTIN_WORKLOADS["resnet50_v1_5"].mlperf_benchmark == "resnet50"
    assert BUILTIN_WORKLOADS["bert_large"].mlperf_benchmark == "bert"
    assert BUILTIN_WORKLOADS["bert_large"].kind == "gemm"


@pytest.mark.parametrize("key", sorted(BUILTIN_WORKLOADS))
def test_registry_returns_nonempty_csv_text(key):
    info = BUILTIN_WORKLOADS[key]
    text = builtin_topology_text(key)
    assert text.strip()
    assert "\r" not in text and text.endswith("\n")
    if info.kind == "conv":
        assert text.splitlines()[0] == ", ".join(CONV_HEADER) + ","
        assert _conv_macs(text) > 0
    else:
        assert _gemm_macs(text) > 0


def test_registry_rejects_unknown_key_and_params():
    with pytest.raises(KeyError):
        builtin_topology_text("alexnet")
    with pytest.raises(TypeError):
        builtin_topology_text("resnet50_v1_5", seq_len=128)
    with pytest.raises(TypeError):
        builtin_topology_text("bert_large", batch=2)


def test_workloads_package_does_not_import_django():
    import pathlib
    import subprocess
    import sys

    repo_root = pathlib.Path(__file__).resolve().parents[2]
    code = (
        "import sys, hwsim.engine.workloads as w; w.builtin_topology_text('bert_large');"
        "[w.builtin_topology_text(k) for k in w.BUILTIN_WORKLOADS];"
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=repo_root, check=False).returncode == 0
