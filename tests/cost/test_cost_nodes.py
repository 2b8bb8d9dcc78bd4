from hwnas.arch.spec import arch_from_dict, load_arch
from hwnas.cost import hardware_nodes
from hwnas.hw import MVAU, LabelSelect, Pool, SlidingWindow
from hwnas.errors import UserError

import pytest


def test_cnv_lowers_to_finns_node_sequence(repo):
    nodes = hardware_nodes(load_arch(repo / "examples/archs/cnv-w1a1.yaml"))
    kinds = [n.op_type for n in nodes]
    assert kinds[:6] == [
        "ConvolutionInputGenerator_rtl", "MVAU_hls", "ConvolutionInputGenerator_rtl", "MVAU_hls",
        "ConvolutionInputGenerator_rtl", "Pool_hls",
    ]
    assert kinds[-2:] == ["MVAU_hls", "LabelSelect_hls"]
    assert [n.name for n in nodes if isinstance(n, MVAU)] == [f"MVAU_hls_{i}" for i in range(9)]
    first, second = nodes[1], nodes[3]
    assert (first.mw, first.mh, first.vectors, first.xnor) == (27, 64, 900, False)
    assert (second.mw, second.mh, second.vectors, second.xnor) == (576, 64, 784, True)
    assert isinstance(nodes[4], SlidingWindow) and nodes[4].depthwise and isinstance(nodes[5], Pool)
    last = [n for n in nodes if isinstance(n, MVAU)][-1]
    assert not last.activation and (last.mw, last.mh) == (512, 10)


def test_mlp_has_no_window_units(repo):
    nodes = hardware_nodes(load_arch(repo / "examples/archs/tfc-w1a1.yaml"))
    assert [type(n) for n in nodes] == [MVAU] * 4 + [LabelSelect]
    assert all(n.xnor for n in nodes[:4])


def test_pointwise_conv_needs_no_window_unit_and_padding_adds_one():
    spec = {
        "input": {"channels": 4, "height": 6, "width": 6, "bits": 8},
        "classes": 2,
        "layers": [{"conv": {"out": 8, "kernel": 3, "padding": 1}}, {"conv": {"out": 8, "kernel": 1}}, {"linear": {"out": 2}}],
    }
    kinds = [n.op_type for n in hardware_nodes(arch_from_dict(spec))]
    assert kinds == ["FMPadding_rtl", "ConvolutionInputGenerator_rtl", "MVAU_hls", "MVAU_hls", "MVAU_hls", "LabelSelect_hls"]


def test_pool_with_stride_above_kernel_is_refused():
    spec = {
        "input": {"channels": 4, "height": 8, "width": 8, "bits": 1},
        "classes": 2,
        "layers": [{"maxpool": {"kernel": 2, "stride": 3}}, {"linear": {"out": 2}}],
    }
    with pytest.raises(UserError, match="stride larger than its kernel"):
        hardware_nodes(arch_from_dict(spec))


def test_lowering_differences_names_what_differs(repo):
    """The comparison the agreement test and benchmarks/check_trained_agreement.py rely on, on a
    finn_estimates.json-shaped dict made from the estimate itself and then changed."""
    import copy

    from hwnas.board import load_board
    from hwnas.cost import plan_folding
    from tests.finn_reference import lowering_differences

    ours = plan_folding(load_arch(repo / "examples" / "archs" / "tfc-w1a1.yaml"), load_board("pynq-z2"), fps=10_000).estimate
    assert ours.fifos  # TFC's MVAUs read each vector in a burst
    finn = {
        "nodes": [dict(name=e.name, op_type=e.node.op_type, cycles=e.cost.cycles_per_frame, lut=float(e.cost.lut),
                       bram18=float(e.cost.bram18)) for e in ours.nodes]
        + [dict(name=f.name, op_type=f.op_type, cycles=0, lut=float(f.lut), bram18=float(f.bram18), uram=float(f.uram))
           for f in ours.fifos],
        "total": {"lut": float(ours.lut), "bram18": float(ours.bram18)},
        "bottleneck": {"name": ours.bottleneck}, "fps": ours.fps,
    }
    assert lowering_differences(ours, finn) == []
    changed = copy.deepcopy(finn)
    changed["nodes"][1]["lut"] += 1
    changed["total"]["lut"] += 1
    changed["fps"] *= 1.01
    assert lowering_differences(ours, changed) == [f"{ours.nodes[1].name}.lut", "total.lut", "fps"]
    changed["nodes"].pop()
    assert lowering_differences(ours, changed) == ["fifo list"]
    changed["nodes"].pop(0)
    assert lowering_differences(ours, changed) == ["node list"]
