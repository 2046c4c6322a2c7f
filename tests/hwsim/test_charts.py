"""hwsim.charts: every chart present, well-formed accessible SVG, translatable labels, byte-identical output."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from hwsim.charts import DEFAULT_LABELS, all_charts
from hwsim.runner import run_verification

pytestmark = pytest.mark.no_services  # tests/conftest.py: the PostgreSQL pass skips it

SVG = "{http://www.w3.org/2000/svg}"
SCENARIOS = ["SingleStream", "Server"]


@pytest.fixture(scope="module")
def results() -> dict:
    acc = {"rows": 16, "cols": 16, "bandwidth_gbps": 20.0}
    return run_verification(
        {
            "seed": 1,
            "quick": True,
            "platforms": [
                {"key": "a", "name": "平台 A", "accelerator": acc, "node_nm": 7, "chiplet_area_mm2": 30.0},
                {
                    "key": "b.2",
                    "name": "Platform B",
                    "accelerator": acc,
                    "chiplets": 2,
                    "node_nm": 7,
                    "chiplet_area_mm2": 20.0,
                    "package": "fo-chip-first",
                },
            ],
            # 2 encoder layers = 76 GEMMs: exercises the > 60-layer (step line) branch of the layers chart
            "workloads": [{"key": "bert_large", "batch": 1, "params": {"layers": 2, "seq_len": 64}}],
            "scenarios": SCENARIOS,
        }
    )


@pytest.fixture(scope="module")
def charts(results) -> dict[str, str]:
    return all_charts(results)


def test_every_expected_key_present(charts):
    expected = {"cost", "perf_per_usd"}
    for p in ("a", "b.2"):
        expected.add(f"layers:{p}:bert_large")
        expected |= {f"latency:{p}:bert_large:{s}" for s in SCENARIOS}
    assert set(charts) == expected


def test_svgs_are_well_formed_accessible_and_scalable(charts):
    all_ids: list[str] = []
    for key, svg in charts.items():
        assert svg.startswith("<svg") and "<?xml" not in svg and "<!DOCTYPE" not in svg, key
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img"
        assert root.get("viewBox") and root.get("width") is None and root.get("height") is None
        title = root.find(f"{SVG}title")
        assert title is not None and title.text and list(root)[0] is title
        assert root.get("aria-labelledby") == title.get("id")
        all_ids += [el.get("id") for el in root.iter() if el.get("id")]
        for ref in re.findall(r"url\(#([^)]+)\)", svg):
            assert f'id="{ref}"' in svg, (key, ref)
        assert "Noto Sans CJK TC" in svg  # text kept as <text> with the CJK font family list
    assert len(all_ids) == len(set(all_ids)), "ids must be unique across charts inlined in one page"


def test_titles_name_the_platform_workload_and_validity(charts):
    title = ET.fromstring(charts["latency:a:bert_large:Server"]).find(f"{SVG}title").text
    assert "平台 A" in title and "BERT-Large" in title and "Server" in title and "INVALID" in title
    assert "USD" in charts["cost"] and "Raw chips" in charts["cost"]


def test_deterministic(results, charts):
    assert all_charts(results) == charts


def test_labels_are_translatable(results):
    small = {**results, "platforms": results["platforms"][:1]}
    svg = all_charts(
        small,
        {"cost_title": "每一良品封裝成本", "raw_chips_usd": "裸晶", "layers_title": "逐層週期：{platform}／{workload}"},
    )
    assert "每一良品封裝成本" in svg["cost"] and "裸晶" in svg["cost"]
    assert "逐層週期：平台 A" in svg["layers:a:bert_large"]
    with pytest.raises(ValueError, match="nope"):
        all_charts(small, {"nope": "x"})
    with pytest.raises(ValueError, match="field"):
        all_charts(small, {"layers_title": "{chip}"})
    assert set(DEFAULT_LABELS) >= {"cost_title", "perf_title", "layers_title", "latency_title"}


def test_translated_labels_cover_every_default_label():
    from django.utils import translation

    from hwsim.charts import DEFAULT_LABELS
    from hwsim.labels import chart_labels

    with translation.override("en"):
        labels = chart_labels()
        assert {k: v for k, v in labels.items() if k in DEFAULT_LABELS} == DEFAULT_LABELS
        assert labels["scenario:SingleStream"] == "Single stream" and labels["workload:resnet18"] == "ResNet-18"
    with translation.override("zh-hant"):
        assert set(chart_labels()) == set(labels)
