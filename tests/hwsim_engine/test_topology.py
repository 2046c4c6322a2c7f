"""Topology CSV parsing (SCALE-Sim v3 conv and GEMM formats, read as-is)."""

import json
from pathlib import Path

import pytest

from hwsim.engine.topology import (
    ConvLayer,
    GemmLayer,
    TopologyError,
    detect_gemm,
    load_topology,
    parse_conv_csv,
    parse_gemm_csv,
)

# SCALE-Sim v3.0.0 reference inputs kept in the repository (MIT; see tests/data/scalesim/README.md)
REF = Path(__file__).resolve().parents[1] / "data" / "scalesim"
CONV_HEADER = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"


def test_conv_row_with_spaces_and_trailing_comma():
    layers = parse_conv_csv(CONV_HEADER + "Conv1, 224, 224, 7, 7, 3, 64, 2,\n")
    assert layers == [ConvLayer("Conv1", 224, 224, 7, 7, 3, 64, 2)]


def test_conv_derived_dims_follow_scalesim_hyperparams():
    # ceil((224 - 7 + 2) / 2) = 110 (scalesim topology_utils.topo_calc_hyperparams; Resnet50.csv's Eh = 110)
    layer = ConvLayer("Conv1", 224, 224, 7, 7, 3, 64, 2)
    assert (layer.ofmap_h, layer.ofmap_w, layer.ofmap_pixels) == (110, 110, 12100)
    assert layer.window_size == 7 * 7 * 3
    assert layer.macs == 12100 * 64 * 147
    assert layer.gemm_view("os") == (12100, 64, 147)
    assert layer.gemm_view("ws") == (147, 64, 12100)
    assert layer.gemm_view("is") == (147, 12100, 64)
    assert layer.gemm_view("ws", batch=4) == (147, 64, 48400)


def test_gemm_view_uses_scalesim_mnk_mapping():
    # load_arrays_gemm: ifmap M x K, filter 1 x K, N filters -> ofmap px = M, window = K
    layer = GemmLayer("QKT", 1024, 1024, 64)
    assert layer.gemm_view("os") == (1024, 1024, 64)
    assert layer.gemm_view("ws") == (64, 1024, 1024)
    assert GemmLayer("g", 10, 7, 13).gemm_view("is") == (13, 10, 7)
    assert GemmLayer("g", 10, 7, 13).gemm_view("os", batch=3) == (30, 7, 13)
    assert layer.macs == 1024 * 1024 * 64


def test_bad_dataflow_or_batch():
    layer = GemmLayer("g", 1, 1, 1)
    with pytest.raises(ValueError, match="dataflow"):
        layer.gemm_view("rs")
    with pytest.raises(ValueError, match="batch"):
        layer.gemm_view("os", batch=0)


def test_blank_and_empty_comma_rows_skipped_extra_columns_tolerated():
    text = (
        "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,,,Eh,Ew,e2\n"
        ",,,,,,,,,,,,\n\nConv1,224,224,7,7,3,64,2,,,110,110,12100\n   \n,,,,\nCB2a_1,56,56,1,1,64,64,1,,,,,\n"
    )
    layers = parse_conv_csv(text)
    assert [layer.name for layer in layers] == ["Conv1", "CB2a_1"]


def test_sparsity_column_and_missing_trailing_comma():
    layers = parse_conv_csv(CONV_HEADER + "a, 8, 8, 3, 3, 2, 4, 1, 2:4,\nb,8,8,3,3,2,4,1")
    assert layers[0].sparsity == (2, 4)
    assert layers[1] == ConvLayer("b", 8, 8, 3, 3, 2, 4, 1)


def test_error_names_line_and_column():
    text = CONV_HEADER + "a, 8, 8, 3, 3, 2, 4, 1,\n\nb, 8, 8, x, 3, 2, 4, 1,\n"
    with pytest.raises(TopologyError) as info:
        parse_conv_csv(text, source="net.csv")
    assert str(info.value) == "net.csv: line 4, column 4 (Filter Height): 'x' is not a positive integer"


@pytest.mark.parametrize(
    "row, message",
    [
        ("a, 8, 8, 0, 3, 2, 4, 1,", "line 2, column 4 (Filter Height): '0' is not a positive integer"),
        ("a, 8, 8, 3, 3, 2, -4, 1,", "line 2, column 7 (Num Filter): '-4' is not a positive integer"),
        ("a, 8, 8, 3, 3, 2, 4, 1.5,", "line 2, column 8 (Strides): '1.5' is not a positive integer"),
        ("a, 8, 8, 3,", "line 2, column 5 (Filter Width): missing value"),
        ("a, 5, 8, 7, 3, 2, 4, 1,", "line 2, column 4 (Filter Height): filter height 7 is larger than IFMAP height 5"),
        ("a, 8, 2, 3, 3, 2, 4, 1,", "line 2, column 5 (Filter Width): filter width 3 is larger than IFMAP width 2"),
        ("a, 8, 8, 3, 3, 2, 4, 1, 5:4,", "line 2, column 9 (Sparsity): '5:4' is not a sparsity ratio"),
        (
            "a\t8\t8\t3\t3\t2\t4\t1",
            "line 2, column 2 (IFMAP Height): missing value (values must be separated by commas)",
        ),
    ],
)
def test_conv_errors(row, message):
    with pytest.raises(TopologyError) as info:
        parse_conv_csv(CONV_HEADER + row + "\n", source="f.csv")
    assert str(info.value).startswith("f.csv: " + message)


def test_topology_error_is_value_error_and_empty_inputs():
    assert issubclass(TopologyError, ValueError)
    with pytest.raises(TopologyError, match="empty topology"):
        parse_conv_csv("\n\n")
    with pytest.raises(TopologyError, match="no layers"):
        parse_conv_csv(CONV_HEADER + ",,,,\n")


def test_gemm_parse_and_errors():
    layers = parse_gemm_csv("Layer, M, N, K,\nQKT, 1024, 1024, 64,\n\nL2,128,64,128,\n")
    assert layers == [GemmLayer("QKT", 1024, 1024, 64), GemmLayer("L2", 128, 64, 128)]
    with pytest.raises(TopologyError) as info:
        parse_gemm_csv("Layer,M,N,K,\nA,1,2,3,\nB,1,two,3,\n", source="g.csv")
    assert str(info.value) == "g.csv: line 3, column 3 (N): 'two' is not a positive integer"
    with pytest.raises(TopologyError, match="not a GEMM header"):
        parse_gemm_csv(CONV_HEADER + "a, 8, 8, 3, 3, 2, 4, 1,\n")
    with pytest.raises(TopologyError, match="read it as GEMM"):
        parse_conv_csv("Layer,M,N,K,\nA,1,2,3,\n")


def test_detect_and_load_reference_files():
    # the SCALE-Sim v3 reference inputs in tests/data/scalesim/ (see its README)
    resnet = load_topology(REF / "mlperf" / "Resnet50.csv")
    assert len(resnet) == 54 and resnet[0] == ConvLayer("Conv1", 224, 224, 7, 7, 3, 64, 2)
    # conv_nets/Resnet50.csv has extra Eh,Ew,e2 columns and a ',,,,' row that SCALE-Sim itself fails on
    assert load_topology(REF / "conv_nets" / "Resnet50.csv") == resnet
    gpt2 = load_topology(REF / "GEMM_mnk" / "gpt2.csv")
    assert gpt2[0] == GemmLayer("QKT", 1024, 1024, 64)
    assert load_topology(REF / "GEMM_mnk" / "test_mnk_input.csv", gemm=True) == [GemmLayer("Test 1", 256, 128, 256)]
    assert detect_gemm("Layer Name, M, N, K,\n") and not detect_gemm(CONV_HEADER)


def test_golden_reference_rows_are_scalesims_own_example_inputs():
    # make_scalesim_goldens.py embeds REFERENCE_CONV / REFERENCE_GEMM; they must be SCALE-Sim's example files
    goldens = json.loads((Path(__file__).parent / "goldens" / "scalesim_v3_compute.json").read_text())
    reference = {(c["kind"], tuple(c["layer"])) for c in goldens["cases"] if (c["rows"], c["cols"]) == (32, 32)}
    (conv,) = load_topology(REF / "conv_nets" / "test.csv")
    (gemm,) = load_topology(REF / "GEMM_mnk" / "test_mnk_input.csv", gemm=True)
    assert reference == {
        (
            "conv",
            (
                conv.name,
                conv.ifmap_h,
                conv.ifmap_w,
                conv.filter_h,
                conv.filter_w,
                conv.channels,
                conv.num_filters,
                conv.stride,
            ),
        ),
        ("gemm", (gemm.name, gemm.m, gemm.n, gemm.k)),
    }


def test_load_missing_file(tmp_path):
    with pytest.raises(TopologyError, match="cannot read topology file"):
        load_topology(tmp_path / "nope.csv")


def test_with_filters():
    assert ConvLayer("a", 8, 8, 3, 3, 2, 4, 1).with_filters(2).num_filters == 2
    assert GemmLayer("g", 4, 9, 3).with_filters(5) == GemmLayer("g", 4, 5, 3)


def test_touched_ifmap_elements():
    # stride 2 > filter width 1: only every other column is read (SCALE-Sim "DRAM IFMAP Reads" = 132 for c8)
    assert ConvLayer("c8", 11, 7, 3, 1, 3, 9, 2).ifmap_elems == 132
    assert ConvLayer("c1", 8, 8, 3, 3, 2, 4, 1).ifmap_elems == 128
