"""No two texts of a chart overlap, on every chart kind, with long platform names in Chinese and English,
six platforms, several workloads and all four scenarios (the boxes are computed by the SVG builder)."""

from __future__ import annotations

import pytest

from hwsim.charts import chart_text_boxes, overlaps
from hwsim.runner import run_verification

pytestmark = pytest.mark.no_services  # tests/conftest.py: the PostgreSQL pass skips it

LONG = "4 小晶片 16×16 扇出型（後置晶片）5 nm Fan-out chip-last edge NPU"


@pytest.fixture(scope="module")
def results() -> dict:
    platforms = [
        {
            "key": f"p{i}",
            "name": f"平台 {i} {LONG}",
            "accelerator": {"rows": 8, "cols": 8, "dataflow": ("os", "ws", "is")[i % 3]},
            "chiplets": 1 + i % 3,
            "node_nm": 7,
            "chiplet_area_mm2": 30.0,
            "package": ("os", "fo-chip-first", "fo-chip-last", "si")[i % 4],
        }
        for i in range(6)
    ]
    return run_verification(
        {
            "seed": 3,
            "quick": True,
            "platforms": platforms,
            "workloads": [{"key": "resnet18", "batch": 2}, {"key": "mobilenet_v1", "batch": 1}],
            "scenarios": ["SingleStream", "MultiStream", "Server", "Offline"],
        }
    )


def test_no_two_texts_overlap_on_any_chart(results: dict) -> None:
    boxes = chart_text_boxes(results)
    kinds = {key.split(":")[0] for key in boxes}
    assert kinds == {"layers", "latency", "cost", "perf_per_usd"}
    assert len(boxes["cost"]) > 6 + 5  # six platform names and five legend entries at least were measured
    assert {key: overlaps(b) for key, b in boxes.items() if overlaps(b)} == {}


def test_the_overlap_check_finds_overlapping_boxes() -> None:
    assert overlaps([("a", (0, 0, 10, 10)), ("b", (5, 5, 15, 15))]) == [("a", "b")]
    assert overlaps([("a", (0, 0, 10, 10)), ("b", (10, 0, 20, 10))]) == []  # touching is not overlapping
