"""The graph's FIFOs: where branches reconverge and where a burst needs more than two words, depths
from the folded schedule, cost from FINN's StreamingFIFO model. (That FINN's own estimates of the
lowered graph count the same FIFOs, node by node, is checked on real lowerings in
tests/lower/test_lower_branches.py and tests/cost/test_cost_lowering_agreement.py; that they keep the
simulated design at the estimated frame rate, in tests/sim.)"""

from dataclasses import replace

import pytest

from conftest import REPO
from hwnas.arch import load_arch
from hwnas.board import load_board
from hwnas.cost import Folding, estimate, hardware_nodes, plan_folding
from hwnas.cost.fifos import fifo_cost

RES = REPO / "examples" / "archs" / "res-fmnist.yaml"


def _skip_and_body(result):
    """The first add's two FIFOs: (skip, body), the skip being the one read from the stem's fork."""
    first = [f for f in result.fifos if f.consumer == "ElementwiseAdd_hls_0"]
    assert len(first) == 2
    skip = next(f for f in first if f.producer.startswith("Thresholding"))  # the stem's signs, requantised
    body = next(f for f in first if f.producer.startswith("MVAU"))
    return skip, body


def test_skip_fifo_holds_what_the_long_branch_swallows():
    arch, board = load_arch(RES), load_board("pynq-z2")
    result = plan_folding(arch, board, fps=2000).estimate
    skip, body = _skip_and_body(result)
    # the long branch buffers two 3x3 windows' rows and two input vectors before its first word
    assert body.depth == 2
    assert skip.depth > 100 * body.depth
    # a frame of the add's input is 26x26x16 words at PE 1: the backlog is a share of it
    assert skip.depth < 26 * 26 * 16


def test_skip_fifo_is_a_share_of_a_frame_whatever_the_pace():
    """In the steady state every node handles one frame per bottleneck period, so the skip holds
    the share of a frame its long branch swallows before the add can start: folding the branch's
    two convs to SIMD 1 makes them the bottleneck (22x slower) and leaves the depth as it was (to
    the cycle a word takes, now a smaller share of a frame).
    (Simulated, both designs run at the estimated rate without a deadlock with these depths.)"""
    arch, board = load_arch(RES), load_board("zcu104")
    folding = plan_folding(arch, board, fps=20_000).folding
    planned = estimate(arch, folding, board)
    slower = dict(folding.nodes)
    for name in ("MVAU_hls_1", "MVAU_hls_2"):  # the two convs of the long branch
        slower[name] = replace(folding.of(name), simd=1)
    slowed = estimate(arch, Folding(slower), board)
    assert slowed.bottleneck in ("MVAU_hls_1", "MVAU_hls_2")
    assert slowed.cycles_per_frame > 20 * planned.cycles_per_frame
    skip, _ = _skip_and_body(planned)
    assert skip.depth > 100
    assert _skip_and_body(slowed)[0].depth == pytest.approx(skip.depth, rel=0.01)


def test_fifos_are_counted_in_the_totals():
    arch, board = load_arch(RES), load_board("zcu104")
    result = plan_folding(arch, board, fps=2000).estimate
    joins = [f for f in result.fifos if f.consumer.startswith("ElementwiseAdd")]
    assert len(joins) == 4  # two adds, two inputs each
    for kind in ("lut", "bram18", "uram"):
        nodes = sum(getattr(n.cost, kind) for n in result.nodes)
        assert getattr(result, kind) == nodes + sum(getattr(f, kind) for f in result.fifos)
    assert sum(f.bram18 for f in result.fifos) > 0


def test_a_chain_gets_fifos_where_a_consumer_reads_in_bursts():
    """CNV at finn-examples' folding: each fully connected MVAU (one vector a frame) reads its whole
    input vector in its first neuron fold while its producer spreads it over the frame, so the
    FIFO holds all but one word of it; streams that need only the handshake get no FIFO."""
    from hwnas.cost import read_finn_config

    arch, board = load_arch(REPO / "examples" / "archs" / "cnv-w1a1.yaml"), load_board("pynq-z2")
    result = estimate(arch, read_finn_config(REPO / "examples" / "folding" / "cnv-w1a1.json", hardware_nodes(arch)), board)
    nodes = {n.name: n for n in result.nodes}
    assert result.fifos and all(f.depth > 2 for f in result.fifos)
    dense = [f for f in result.fifos if f.consumer in ("MVAU_hls_6", "MVAU_hls_7")]
    assert len(dense) == 2
    for fifo in dense:
        consumer = nodes[fifo.consumer]
        words = consumer.node.mw // consumer.fold.simd
        assert words - 1 <= fifo.depth <= words


def test_deep_fifos_use_block_ram_on_a_part_without_uram():
    # fifo.sv's ladder asks for URAM past a depth on any part; Zynq-7000 has none
    assert fifo_cost(20_000, 16, "xczu7ev-ffvc1156-2-e", True)[0] == "ultra"
    style, lut, bram18, uram = fifo_cost(20_000, 16, "xc7z020clg400-1", False)
    assert (style, uram) == ("block", 0) and bram18 > 0
    assert fifo_cost(2, 8, "xc7z020clg400-1", False)[0] == "srl"




@pytest.mark.parametrize("name", ["res-fmnist", "res-cnv", "cell-bnas"])
@pytest.mark.parametrize("fps", [500, 5000, 12_000])  # res-cnv reaches 13,889 fps on zcu104
def test_an_add_streams_its_inputs_at_one_pe(name, fps):
    from hwnas.cost.nodes import hardware_graph
    from hwnas.hw import ElementwiseAdd

    arch, board = load_arch(REPO / "examples" / "archs" / f"{name}.yaml"), load_board("zcu104")
    plan = plan_folding(arch, board, fps=fps)
    hw_nodes, edges = hardware_graph(arch)
    adds = [i for i, n in enumerate(hw_nodes) if isinstance(n, ElementwiseAdd)]
    assert adds
    for i in adds:
        pes = {plan.folding.of(hw_nodes[k].name).pe for k in (i, *edges[i])}
        assert len(pes) == 1 and hw_nodes[i].channels % pes.pop() == 0
    assert plan.estimate.fps >= fps


@pytest.mark.parametrize("name, board_name, fps", [("res-fmnist", "zcu104", 200), ("cell-bnas", "zcu104", 2000)])
def test_the_plan_weighs_fifos_against_node_resources(name, board_name, fps):
    # the per-node cheapest folding leaves a slow long branch and deep (URAM) skip FIFOs; a faster
    # long branch costs a few LUTs more and saves more in FIFOs, so the plan takes it
    import math

    from hwnas.cost import optimise

    arch, board = load_arch(REPO / "examples" / "archs" / f"{name}.yaml"), load_board(board_name)
    hw_nodes, edges = optimise.hardware_graph(arch)
    units = optimise._units(hw_nodes)
    per_node = optimise._cheapest(units, optimise._best_upto(units, board), math.floor(board.clock_mhz * 1e6 / fps), (hw_nodes, edges))
    nodes_only = estimate(arch, per_node, board)
    plan = plan_folding(arch, board, fps=fps).estimate
    assert plan.fps >= fps
    assert optimise._normalised(plan, board) < optimise._normalised(nodes_only, board)
    assert sum(f.uram for f in plan.fifos) < sum(f.uram for f in nodes_only.fifos)
