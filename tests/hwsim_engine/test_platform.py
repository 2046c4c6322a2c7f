"""Multi-chiplet platforms, whole-network simulation and accelerator configurations."""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from hwsim.engine.config import AcceleratorConfig, ConfigError, load_config, parse_config_json, parse_scalesim_cfg
from hwsim.engine.memory import PJ, simulate_memory
from hwsim.engine.platform import Platform, filter_shares, simulate_layer, simulate_network
from hwsim.engine.systolic import simulate_compute
from hwsim.engine.topology import ConvLayer, GemmLayer, load_topology

# SCALE-Sim v3.0.0 reference inputs kept in the repository (MIT; see tests/data/scalesim/README.md)
REF = Path(__file__).resolve().parents[1] / "data" / "scalesim"
RESNET50 = REF / "mlperf" / "Resnet50.csv"
SMALL = [ConvLayer("c1", 8, 8, 3, 3, 2, 4, 1), ConvLayer("c6", 9, 9, 3, 3, 8, 16, 2), GemmLayer("g3", 33, 5, 9)]


# --- AcceleratorConfig -------------------------------------------------------------------------------


def test_reference_scale_cfg():
    # tests/data/scalesim/scale.cfg (SCALE-Sim v3's configs/scale.cfg): 32x32 ws, 64 KiB, CALC
    config = load_config(REF / "scale.cfg")
    assert config == AcceleratorConfig(
        rows=32, cols=32, dataflow="ws", ifmap_sram_kib=64, filter_sram_kib=64, ofmap_sram_kib=64, bandwidth_gbps=None
    )


def test_cfg_user_bandwidth_and_case_insensitive_keys():
    text = (REF / "scale.cfg").read_text().replace("InterfaceBandwidth: CALC", "InterfaceBandwidth: USER")
    text = text.replace("ArrayHeight:    32", "arrayheight: 8").replace("Dataflow : ws", "Dataflow : os")
    config = parse_scalesim_cfg(text, clock_ghz=2.0)
    # Bandwidth 10 words/cycle x 1 byte x 2 GHz = 20 GB/s
    assert (config.rows, config.cols, config.dataflow, config.bandwidth_gbps) == (8, 32, "os", 20.0)


def test_cfg_user_mode_gives_each_operand_its_channel():
    # issue 12 A.3, as SCALE-Sim's single_layer_sim.run: ifmap <- [layout] IfmapSRAMBankBandwidth, filter <-
    # FilterSRAMBankBandwidth, ofmap <- Bandwidth (words/cycle x 1 byte x clock)
    text = (REF / "scale.cfg").read_text().replace("InterfaceBandwidth: CALC", "InterfaceBandwidth: USER")
    text = text.replace("IfmapSRAMBankBandwidth: 10", "IfmapSRAMBankBandwidth: 4")
    text = text.replace("FilterSRAMBankBandwidth: 10", "FilterSRAMBankBandwidth: 6").replace(
        "Bandwidth : 10", "Bandwidth : 8"
    )
    config = parse_scalesim_cfg(text, clock_ghz=1.5)
    assert (config.ifmap_bandwidth_gbps, config.filter_bandwidth_gbps, config.bandwidth_gbps) == (6.0, 9.0, 12.0)
    assert (config.ifmap_channel_gbps, config.filter_channel_gbps) == (6.0, 9.0)
    # without the [layout] keys the channels fall back to Bandwidth; in CALC mode all are unlimited
    bare = text.replace("IfmapSRAMBankBandwidth: 4\n", "").replace("FilterSRAMBankBandwidth: 6\n", "")
    assert parse_scalesim_cfg(bare).ifmap_channel_gbps == parse_scalesim_cfg(bare).filter_channel_gbps == 8.0
    calc = parse_scalesim_cfg((REF / "scale.cfg").read_text())
    assert calc.ifmap_channel_gbps is calc.filter_channel_gbps is calc.bandwidth_gbps is None
    bad = text.replace("IfmapSRAMBankBandwidth: 4", "IfmapSRAMBankBandwidth: lots")
    with pytest.raises(ConfigError, match=r"x.cfg: \[layout\] IfmapSRAMBankBandwidth: 'lots' is not a number"):
        parse_scalesim_cfg(bad, source="x.cfg")


@pytest.mark.parametrize(
    "edit, message",
    [
        (("Dataflow : ws", "Dataflow : rs"), "dataflow must be one of"),
        (("ArrayWidth:     32", "ArrayWidth: wide"), "ArrayWidth: 'wide' is not an integer"),
        (("ArrayWidth:     32", "ArrayWidth: 0"), "cols must be a positive integer"),
        (("IfmapSramSzkB:   64\n", ""), "missing key IfmapSramSzkB"),
        (("InterfaceBandwidth: CALC", "InterfaceBandwidth: FAST"), "must be CALC or USER"),
        (("[architecture_presets]", "[arch]"), "missing section [architecture_presets]"),
        (("[general]", "general"), "not a valid SCALE-Sim .cfg"),
    ],
)
def test_cfg_errors(edit, message):
    text = (REF / "scale.cfg").read_text().replace(*edit)
    with pytest.raises(ConfigError) as info:
        parse_scalesim_cfg(text, source="x.cfg")
    assert str(info.value).startswith("x.cfg") and message in str(info.value)


def test_json_config_roundtrip_and_errors(tmp_path):
    config = AcceleratorConfig(rows=16, cols=8, dataflow="is", bandwidth_gbps=25.6, word_size_bytes=2)
    path = tmp_path / "acc.json"
    path.write_text(json.dumps(config.to_dict()))
    assert load_config(path) == config
    assert parse_config_json('{"rows": 4, "cols": 4}') == AcceleratorConfig(rows=4, cols=4)
    for text, message in [
        ('{"rows": 4}', "missing key 'cols'"),
        ('{"rows": 4, "cols": 4, "colour": 1}', "unknown key"),
        ('{"rows": 4, "cols": -1}', "cols must be a positive integer"),
        ("[1]", "JSON object"),
        ('{"rows": 4,\n "cols": }', "invalid JSON at line 2, column"),
        ('{"rows": 4, "cols": 4, "bandwidth_gbps": 0}', "bandwidth_gbps must be a positive"),
    ]:
        with pytest.raises(ConfigError, match=message):
            parse_config_json(text)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.cfg")


def test_config_validation_and_overrides():
    assert issubclass(ConfigError, ValueError)
    for bad in (
        {"rows": 0},
        {"rows": True},
        {"dataflow": "OS"},
        {"clock_ghz": float("nan")},
        {"mac_energy_pj": -1.0},
        {"word_size_bytes": 1.5},
    ):
        with pytest.raises(ConfigError):
            AcceleratorConfig(**bad)
    config = AcceleratorConfig().with_overrides(rows=8, dataflow=None)
    assert (config.rows, config.cols, config.dataflow) == (8, 32, "ws")
    with pytest.raises(ConfigError, match="unknown configuration key"):
        config.with_overrides(depth=3)
    assert AcceleratorConfig(clock_ghz=2.0, bandwidth_gbps=16.0).bytes_per_cycle == 8.0


# --- Platform ----------------------------------------------------------------------------------------


def test_single_chiplet_platform_is_exactly_the_single_array():
    for config in (
        AcceleratorConfig(rows=4, cols=4, dataflow="os"),
        AcceleratorConfig(rows=8, cols=4, dataflow="is", bandwidth_gbps=0.5, clock_ghz=0.7),
    ):
        direct = simulate_network(config, SMALL, batch=2)
        assert direct == simulate_network(Platform(config, n_chiplets=1, link_bandwidth_gbps=1.0), SMALL, batch=2)
        for layer, result in zip(SMALL, direct.layers):
            compute = simulate_compute(layer, config, 2)
            memory = simulate_memory(layer, config, 2)
            assert (result.compute_cycles, result.cycles, result.macs) == (compute.cycles, memory.cycles, compute.macs)
            assert (result.dram_bytes, result.energy_j, result.link_bytes) == (memory.dram_bytes, memory.energy_j, 0)
            assert result.latency_s == memory.latency_s
        assert direct.cycles == sum(r.cycles for r in direct.layers)
        assert direct.utilization == direct.macs / (direct.cycles * config.pes)


def test_filter_split_across_chiplets_and_link_transfer():
    config = AcceleratorConfig(rows=4, cols=4, dataflow="ws")
    layer = ConvLayer("c6", 9, 9, 3, 3, 8, 10, 2)  # 4x4 = 16 ofmap px, 10 filters
    platform = Platform(config, n_chiplets=3, link_bandwidth_gbps=2.0, link_latency_ns=5.0, link_energy_pj_per_byte=1.0)
    assert filter_shares(10, 3) == [4, 3, 3]
    result = simulate_layer(layer, platform)
    busiest = simulate_compute(layer.with_filters(4), config)
    assert result.compute_cycles == busiest.cycles and result.macs == layer.macs
    # all-gather: each chiplet receives what it did not compute; worst = 16 px x (10 - 3) filters = 112 bytes
    assert result.link_s == 5e-9 + 112 / 2e9
    assert result.link_bytes == 16 * 10 * 2
    assert result.latency_s == busiest.cycles / 1e9 + result.link_s
    energy = sum(simulate_memory(layer.with_filters(s), config).energy_j for s in (4, 3, 3)) + 320 * PJ
    assert result.energy_j == energy
    assert result.utilization == layer.macs / (busiest.cycles * 16 * 3)


def test_more_chiplets_than_filters_leaves_some_idle():
    platform = Platform(AcceleratorConfig(rows=4, cols=4, dataflow="os"), n_chiplets=8)
    layer = GemmLayer("g", 16, 3, 16)
    assert filter_shares(3, 8) == [1, 1, 1, 0, 0, 0, 0, 0]
    result = simulate_layer(layer, platform)
    assert result.macs == layer.macs
    assert result.compute_cycles == simulate_compute(layer.with_filters(1), platform.chiplet).cycles


def test_platform_validation():
    config = AcceleratorConfig()
    for bad in ({"n_chiplets": 0}, {"n_chiplets": 2.0}, {"link_bandwidth_gbps": 0}, {"link_latency_ns": -1}):
        with pytest.raises(ConfigError):
            Platform(config, **bad)
    with pytest.raises(ConfigError):
        Platform({"rows": 4})
    with pytest.raises(ValueError, match="batch"):
        simulate_network(config, SMALL, batch=0)
    with pytest.raises(ValueError, match="no layers"):
        simulate_network(config, [])
    assert Platform(config, 2).to_dict()["n_chiplets"] == 2


def test_resnet50_totals():
    layers = load_topology(RESNET50)
    config = AcceleratorConfig()  # SCALE-Sim's scale.cfg: 32x32 ws
    result = simulate_network(config, layers)
    assert len(result.layers) == 54
    assert result.macs == sum(layer.macs for layer in layers)
    assert result.cycles == sum(simulate_compute(layer, config).cycles for layer in layers)
    assert 0 < result.utilization <= 1
    # Speed is measured by benchmarks/hwsim_bench.py, not asserted here (no stopwatch in unit tests).


def test_batch_raises_utilisation_on_small_gemm():
    config = AcceleratorConfig(rows=32, cols=32, dataflow="os")
    layers = [GemmLayer("fc", 1, 1000, 2048)]
    one, many = simulate_network(config, layers, 1), simulate_network(config, layers, 32)
    assert many.macs == 32 * one.macs and many.utilization > 10 * one.utilization
    assert replace(config, dataflow="ws") != config
