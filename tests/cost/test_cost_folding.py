import pytest

from hwnas.arch.spec import load_arch
from hwnas.board import load_board
from hwnas.cost import Folding, NodeFold, estimate, hardware_nodes, optimise_folding, read_finn_config, write_finn_config
from hwnas.errors import UserError


def test_finn_config_round_trip(repo, tmp_path):
    arch = load_arch(repo / "examples/archs/cnv-w1a1.yaml")
    nodes = hardware_nodes(arch)
    folding = optimise_folding(arch, load_board("pynq-z2"), fps=2000)
    config = folding.to_finn_config(nodes)
    assert set(config) == {"Defaults"} | {n.name for n in nodes}
    assert config["MVAU_hls_0"].keys() == {"PE", "SIMD"}
    assert config["ConvolutionInputGenerator_rtl_0"].keys() == {"SIMD", "parallel_window"}
    path = write_finn_config(folding, nodes, tmp_path / "folding_config.json")
    again = read_finn_config(path, nodes)
    assert all(again.of(n.name) == folding.of(n.name) for n in nodes)


def test_illegal_or_unknown_entries_are_user_errors(repo):
    nodes = hardware_nodes(load_arch(repo / "examples/archs/tfc-w1a1.yaml"))
    with pytest.raises(UserError, match=r"MVAU_hls_0.PE = 7 must be a positive divisor of MH = 64"):
        Folding.from_finn_config({"MVAU_hls_0": {"PE": 7, "SIMD": 1}}, nodes)
    with pytest.raises(UserError, match="no node named"):
        Folding.from_finn_config({"MVAU_hls_9": {"PE": 1}}, nodes)
    with pytest.raises(UserError, match="node MVAU_hls_0 has no folding attribute 'parallel_window'"):
        Folding.from_finn_config({"MVAU_hls_0": {"parallel_window": 1}}, nodes)


@pytest.mark.parametrize("node, attrs, message", [
    ("ElementwiseAdd_hls_0", {"PE": 3}, r"ElementwiseAdd_hls_0.PE = 3 must be a positive divisor of NumChannels = 16"),
    ("StreamingConcat_hls_0", {"SIMD": 3}, r"StreamingConcat_hls_0.SIMD = 3 must be a positive divisor"),
    ("StreamingConcat_hls_0", {"PE": 2}, r"has no folding attribute 'PE'"),
])
def test_branch_node_divisors(repo, node, attrs, message):
    nodes = hardware_nodes(load_arch(repo / "examples/archs/cell-bnas.yaml"))
    with pytest.raises(UserError, match=message):
        Folding.from_finn_config({node: attrs}, nodes)


def test_memory_attributes_pass_through_to_the_lowering(repo):
    # what ``hwnas lower`` writes (folding and FINN's memory placement) reads back in ``hwnas estimate``
    nodes = hardware_nodes(load_arch(repo / "examples/archs/tfc-w1a1.yaml"))
    folding = Folding.from_finn_config({"MVAU_hls_0": {"PE": 2, "SIMD": 4, "ram_style": "block"}}, nodes)
    assert folding.of("MVAU_hls_0") == NodeFold(2, 4)
    assert folding.to_finn_config(nodes)["MVAU_hls_0"] == {"PE": 2, "SIMD": 4, "ram_style": "block"}


def test_weight_width_cap_binds_the_optimiser_not_a_folding_file(repo):
    from hwnas.hw.mvau import WEIGHT_WIDTH_MAX
    from hwnas.cost.node_cost import candidate_folds

    nodes = hardware_nodes(load_arch(repo / "examples/archs/tfc-w1a1.yaml"))
    # SIMD 49 divides 784 and FINN builds it, though SetFolding's 36-bit weight-width cap would not pick it
    assert Folding.from_finn_config({"MVAU_hls_0": {"PE": 1, "SIMD": 49}}, nodes).of("MVAU_hls_0") == NodeFold(1, 49)
    # fully unfolded too (hwnas's accelerator builds it), while PE must still divide MH
    assert Folding.from_finn_config({"MVAU_hls_0": {"PE": 64, "SIMD": 784}}, nodes).of("MVAU_hls_0") == NodeFold(64, 784)
    with pytest.raises(UserError, match="MVAU_hls_0"):
        Folding.from_finn_config({"MVAU_hls_0": {"PE": 3, "SIMD": 1}}, nodes)
    folds = candidate_folds(nodes[0])
    simds = {f.simd for f in folds}
    assert max(simds) * nodes[0].weight_bits <= WEIGHT_WIDTH_MAX and 28 in simds and 49 not in simds
    assert set(zip(nodes[0].table().pe.tolist(), nodes[0].table().simd.tolist())) == {(f.pe, f.simd) for f in folds}


def test_unfolded_estimate_matches_hand_count(repo):
    arch = load_arch(repo / "examples/archs/tfc-w1a1.yaml")
    result = estimate(arch, Folding(), load_board("pynq-z2"))
    # fully folded: the first layer does 784 * 64 MACs one per cycle
    assert result.cycles_per_frame == 784 * 64
    assert result.bottleneck == "MVAU_hls_0"
    assert result.fps == pytest.approx(100e6 / (784 * 64))
    faster = estimate(arch, Folding({"MVAU_hls_0": NodeFold(pe=4, simd=16)}), load_board("pynq-z2"))
    assert faster.nodes[0].cost.cycles_per_frame == 784 * 64 // 64
