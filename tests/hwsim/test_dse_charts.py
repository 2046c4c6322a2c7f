"""The DSE scatter chart: well-formed SVG, the front drawn on top, bounded size, tick labels that do not overlap."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from hwsim.dse.charts import MAX_TICKS, scatter_svg, si
from hwsim.engine.pareto import pareto_front

pytestmark = pytest.mark.no_services  # tests/conftest.py: the PostgreSQL pass skips it

NS = "{http://www.w3.org/2000/svg}"


def points(n: int, x_decades: float, y_decades: float) -> list[dict]:
    return [
        {
            "index": i,
            "feasible": i % 7 != 0,
            "throughput": 10 ** (x_decades * (i % 101) / 100),
            "unit_cost_usd": 10 ** (y_decades * ((i * 37) % 89) / 88),
        }
        for i in range(n)
    ]


@pytest.mark.parametrize(("x_decades", "y_decades"), [(0.2, 0.1), (3, 2), (14, 12)])
def test_svg_is_well_formed_with_the_front_and_labels_apart(x_decades: float, y_decades: float) -> None:
    pts = points(3000, x_decades, y_decades)
    feasible = [p for p in pts if p["feasible"]]
    front = [feasible[i]["index"] for i in pareto_front([(p["throughput"], p["unit_cost_usd"]) for p in feasible])]
    svg = scatter_svg(pts, front, "unit_cost_usd", x_label="Throughput", y_label="Cost <US$>", y_unit="$")
    root = ET.fromstring(svg)  # well-formed, labels escaped
    circles = root.findall(f"{NS}circle")
    assert len([c for c in circles if c.get("class") == "front-point"]) == len(front)
    assert len(circles) <= len(feasible) + len(front)
    texts = root.findall(f"{NS}text")
    x_ticks = [t for t in texts if t.get("text-anchor") == "middle" and t.get("transform") is None][:-1]
    y_ticks = [t for t in texts if t.get("text-anchor") == "end"]
    assert 1 <= len(x_ticks) <= MAX_TICKS + 1 and 1 <= len(y_ticks) <= MAX_TICKS + 1
    # x tick labels: 11 px font, at most 0.62 em per character; boxes centred on x must not touch
    boxes = sorted((float(t.get("x")), len(t.text) * 11 * 0.62) for t in x_ticks)
    for (x1, w1), (x2, w2) in zip(boxes, boxes[1:], strict=False):
        assert x1 + w1 / 2 < x2 - w2 / 2, boxes
    ys = sorted(float(t.get("y")) for t in y_ticks)
    assert all(b - a > 11 for a, b in zip(ys, ys[1:], strict=False))


def test_no_feasible_point_gives_no_chart() -> None:
    assert scatter_svg([{"index": 0, "feasible": False}], [], "unit_cost_usd", x_label="", y_label="", y_unit="") == ""


def test_si_prefixes() -> None:
    assert si(0.0123, "J") == "12.3 mJ" and si(2.5e6, "/s") == "2.5 M/s" and si(3e-10, "J") == "0.3 nJ"
