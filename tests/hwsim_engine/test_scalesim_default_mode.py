"""hwsim's DEFAULT mode (no ``exact=True``: what the portal, certificates and DSE use) against real SCALE-Sim v3.0.0.

Goldens: ``goldens/scalesim_suite/suite.json`` (66 small layers, README there) and ``goldens/scalesim_large/
large.json`` — SCALE-Sim v3.0.0's reports for real ResNet-50 v1.5 layer shapes (some spatially halved), produced
by ``goldens/scalesim_large/generate.py``. The tolerances are the figures achieved, stated as they are: where the
default mode falls back to closed forms it is looser than the replay of ``exact=True`` (test_scalesim_suite).
"""

import json
from pathlib import Path

import pytest

from hwsim.engine import memory
from hwsim.engine.memory import simulate_memory

from .test_scalesim_suite import CALC, USER, case_id, config_of, layer_of

LARGE = json.loads((Path(__file__).parent / "goldens" / "scalesim_large" / "large.json").read_text())["cases"]
OPERANDS = (
    ("dram_ifmap_read_bytes", "dram_ifmap_reads"),
    ("dram_filter_read_bytes", "dram_filter_reads"),
    ("dram_ofmap_write_bytes", "dram_ofmap_writes"),
)


def _err(mine, golden):
    return abs(mine - golden) / max(1, golden)


@pytest.fixture
def closed_forms(monkeypatch):
    """Default mode with both replay bounds at 0: every layer takes the closed forms large layers take."""
    memory.clear_caches()
    monkeypatch.setattr(memory, "AUTO_EXACT_ENTRIES", 0)
    monkeypatch.setattr(memory, "AUTO_SRAM_READS", 0)
    yield
    memory.clear_caches()


def test_suite_calc_traffic_per_operand_within_2_percent_in_default_mode():
    # every suite layer's ifmap stream is within the default replay bound, so CALC traffic is SCALE-Sim's
    bad = [
        (case_id(c), key)
        for c in CALC
        for attr, key in OPERANDS
        if _err(getattr(simulate_memory(layer_of(c), config_of(c)), attr), c[key]) > 0.02
    ]
    assert bad == []


def test_suite_user_cycles_in_default_mode():
    # 64 KiB: no stalls, equal. 1 KiB: layers above AUTO_SRAM_READS (100,000) take the USER closed form, which
    # ignores SCALE-Sim's ring wraps and doubled stalls: c23 os / ws, 84 % and 21 % low; the rest within 5 %
    errs = {case_id(c): _err(simulate_memory(layer_of(c), config_of(c)).cycles, c["total_cycles"]) for c in USER}
    assert all(e == 0 for cid, e in errs.items() if "-64k-" in cid)
    off = sorted(e for e in errs.values() if e > 0.05)
    assert len(off) <= 2 and max(off) < 0.85


def test_suite_ifmap_closed_forms(closed_forms):
    # the closed forms alone on the 36 suite cases where an overlapping conv's ifmap does not fit (all other
    # CALC cases are exact in closed form too): 21 beyond 2 %, worst 78 % (the per-sweep bounds that came
    # before the reuse-distance estimate: 34 beyond 2 %, worst 386 %)
    errs = {
        case_id(c): _err(simulate_memory(layer_of(c), config_of(c)).dram_ifmap_read_bytes, c["dram_ifmap_reads"])
        for c in CALC
    }
    off = [e for e in errs.values() if e > 0.02]
    assert len(off) <= 21 and max(off) < 0.79
    assert sum(e <= 0.02 for e in errs.values()) >= len(CALC) - 21


@pytest.mark.parametrize("case", LARGE, ids=case_id)
def test_large_layers_in_default_mode(case):
    result = simulate_memory(layer_of(case), config_of(case))
    # filter and ofmap traffic within 2 %; the ifmap estimate of overlapping layers within 2 % on 5 of the 7
    # overlapping CALC cases, 8.4 % (res5 os) and 15.1 % (res4 is) over on the other two
    tolerance = {"r50_res5_3x3-32x32-os-64k-CALC": 0.09, "r50_res4_3x3-32x32-is-32k-CALC": 0.16}
    if case["mode"] == "CALC":
        for attr, key in OPERANDS:
            limit = tolerance.get(case_id(case), 0.02) if key == "dram_ifmap_reads" else 0.02
            assert _err(getattr(result, attr), case[key]) <= limit, (key, getattr(result, attr), case[key])
    assert result.cycles >= result.cycles - result.stall_cycles == case["total_cycles"] - case["stall_cycles"]


def test_large_golden_set_shape():
    assert len(LARGE) >= 8 and {c["dataflow"] for c in LARGE} == {"os", "ws", "is"}
    # the regime the default mode estimates: streams beyond the replay bound, ifmaps beyond the flush period
    big = [c for c in LARGE if c["sram_ifmap_reads"] > memory.AUTO_EXACT_ENTRIES]
    assert len(big) == len(LARGE)
