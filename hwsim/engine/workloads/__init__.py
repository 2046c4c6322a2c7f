"""Built-in network workloads of hwsim, as SCALE-Sim v3 topology CSV text (pure Python, no Django).

Conv workloads are package-data CSV files next to this module, in SCALE-Sim's conv format::

    Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,

(header first, no comment lines, every line ends with a comma). GEMM workloads are generated in
SCALE-Sim's GEMM format ``Layer, M, N, K,`` with M = output rows (tokens), N = output columns,
K = reduction (see :mod:`.bert_large`). Conventions — details and per-network notes in ``README.md``:

* **Padding.** SCALE-Sim has no padding field; it takes ``ofmap = ceil((ifmap − filter + stride) /
  stride)``. Every IFMAP height/width here is the padded input the convolution actually reads,
  ``ifmap = (ofmap − 1)·stride + filter``, so ``(ifmap − filter)`` is divisible by the stride and the
  ceil and floor forms of the formula agree. For a stride-1 'same' conv this is the input plus both
  paddings (3×3 on 56×56 → 58×58); for stride 2 the trailing padded row/column that no window reaches
  is left out (7×7/2 conv1 on 224×224 with pad 3 → 229×229; 1×1/2 projection on 56×56 → 55×55).
* **Pooling** layers are not convolutions and are omitted; the classifier is a 1×1 conv on a 1×1
  IFMAP with one filter per class.
* **Depthwise** 3×3 convs (MobileNet) are written as ``Channels = 1, Num Filter = C``: the MAC count
  C·Hₒ·Wₒ·9 and the filter/ofmap sizes are exact, but SCALE-Sim then sees one shared input channel
  instead of C separate ones, so ifmap traffic is under-counted (an approximation, SCALE-Sim having
  no depthwise layer type).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Literal

from .bert_large import bert_large_encoder_gemms, to_gemm_csv

__all__ = [
    "BUILTIN_WORKLOADS",
    "WorkloadInfo",
    "bert_large_encoder_gemms",
    "builtin_topology_text",
    "to_gemm_csv",
]


@dataclass(frozen=True)
class WorkloadInfo:
    """Description of one built-in workload.

    ``csv_resource`` names the package-data CSV for static workloads; it is ``None`` for generated
    ones, whose accepted keyword parameters (with defaults) are listed in ``params``.
    ``mlperf_benchmark`` is the MLPerf Inference benchmark whose latency bounds apply by default
    (``'resnet50'``, ``'bert'``) or ``None`` when MLPerf defines none for this network.
    """

    key: str
    name_en: str
    name_zh_hant: str
    kind: Literal["conv", "gemm"]
    citation: str
    mlperf_benchmark: Literal["resnet50", "bert"] | None
    csv_resource: str | None = None
    params: dict[str, object] = field(default_factory=dict)
    notes: str = ""


BUILTIN_WORKLOADS: dict[str, WorkloadInfo] = {
    info.key: info
    for info in (
        WorkloadInfo(
            key="resnet50_v1_5",
            name_en="ResNet-50 v1.5 (224×224 image classification)",
            name_zh_hant="ResNet-50 v1.5（224×224 影像分類）",
            kind="conv",
            citation=(
                'K. He, X. Zhang, S. Ren, J. Sun, "Deep Residual Learning for Image Recognition", '
                "CVPR 2016; v1.5 variant as in NVIDIA's DeepLearningExamples and the MLPerf reference "
                "(stride 2 on the 3×3 conv of each downsampling block)."
            ),
            mlperf_benchmark="resnet50",
            csv_resource="resnet50_v1_5.csv",
            notes=(
                "54 rows: conv1, 16 bottleneck blocks × 3 convs, 4 projection shortcuts, FC 2048→1000. "
                "4,089,184,256 MACs (published ≈ 4.09 G)."
            ),
        ),
        WorkloadInfo(
            key="mobilenet_v1",
            name_en="MobileNet v1 1.0-224 (image classification)",
            name_zh_hant="MobileNet v1 1.0-224（行動裝置影像分類）",
            kind="conv",
            citation=(
                'A. G. Howard et al., "MobileNets: Efficient Convolutional Neural Networks for Mobile '
                'Vision Applications", arXiv:1704.04861, 2017 (Table 1).'
            ),
            mlperf_benchmark=None,
            csv_resource="mobilenet_v1.csv",
            notes=(
                "28 rows: conv1, 13 depthwise (Channels=1, Num Filter=C) + pointwise pairs, FC 1024→1000. "
                "568,740,352 MACs (paper: 569 M mult-adds)."
            ),
        ),
        WorkloadInfo(
            key="bert_large",
            name_en="BERT-Large encoder (question answering, SQuAD)",
            name_zh_hant="BERT-Large 編碼器（問答，SQuAD）",
            kind="gemm",
            citation=(
                'J. Devlin, M.-W. Chang, K. Lee, K. Toutanova, "BERT: Pre-training of Deep Bidirectional '
                'Transformers for Language Understanding", NAACL 2019 (BERT-Large: 24 layers, hidden '
                "1024, 16 heads, FFN 4096)."
            ),
            mlperf_benchmark="bert",
            params={"seq_len": 384, "layers": 24, "per_head": True},
            notes=(
                "Generated: 38 GEMMs per layer (Q, K, V, 16×QKᵀ, 16×AV, O, FFN1, FFN2); "
                "12·s·1024² + 2·s²·1024 MACs per layer."
            ),
        ),
        WorkloadInfo(
            key="resnet18",
            name_en="ResNet-18 (224×224 image classification)",
            name_zh_hant="ResNet-18（224×224 影像分類）",
            kind="conv",
            citation=(
                'K. He, X. Zhang, S. Ren, J. Sun, "Deep Residual Learning for Image Recognition", '
                "CVPR 2016 (Table 1, 18-layer, projection shortcuts when dimensions increase)."
            ),
            mlperf_benchmark=None,
            csv_resource="resnet18.csv",
            notes=(
                "21 rows: conv1, 8 basic blocks × 2 convs, 3 projection shortcuts, FC 512→1000. "
                "1,814,073,344 MACs (paper: 1.8×10⁹ FLOPs, i.e. mult-adds)."
            ),
        ),
    )
}


def builtin_topology_text(key: str, **params: object) -> str:
    """Return the SCALE-Sim topology CSV text of the built-in workload ``key``.

    Static workloads are read from their package-data CSV and accept no parameters. Generated ones
    take the keywords of ``BUILTIN_WORKLOADS[key].params`` — for ``bert_large``: ``seq_len`` (default
    384), ``layers`` (24) and ``per_head`` (True).

    Raises ``KeyError`` for an unknown key and ``TypeError`` for an unsupported parameter.
    """
    try:
        info = BUILTIN_WORKLOADS[key]
    except KeyError:
        raise KeyError(f"unknown built-in workload {key!r}; known: {', '.join(BUILTIN_WORKLOADS)}") from None
    unknown = sorted(set(params) - set(info.params))
    if unknown:
        accepted = ", ".join(info.params) or "none"
        raise TypeError(f"workload {key!r} does not take parameter(s) {', '.join(unknown)} (accepted: {accepted})")
    if info.csv_resource is not None:
        return resources.files(__name__).joinpath(info.csv_resource).read_text(encoding="utf-8")
    if key == "bert_large":
        return to_gemm_csv(bert_large_encoder_gemms(**params))  # type: ignore[arg-type]
    raise AssertionError(f"workload {key!r} has neither a CSV resource nor a generator")  # pragma: no cover
