"""FIFOs where branches reconverge: depths from the folded schedule, cost from FINN's StreamingFIFO
model, none on a chain. (That FINN's own estimates of the lowered graph count the same FIFOs, node by
node, is checked on real lowerings in tests/lower/test_lower_branches.py.)"""

from dataclasses import replace

import pytest

from conftest import CHAIN_ARCHS, REPO
from hwnas.arch import load_arch
from hwnas.board import load_board
from hwnas.cost import Folding, estimate, plan_folding
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


def test_skip_fifo_grows_when_the_long_branch_is_folded_more():
    arch, board = load_arch(RES), load_board("zcu104")
    folding = plan_folding(arch, board, fps=20_000).folding
    skip, _ = _skip_and_body(estimate(arch, folding, board))
    slower = dict(folding.nodes)
    for name in ("MVAU_hls_1", "MVAU_hls_2"):  # the two convs of the long branch
        slower[name] = replace(folding.of(name), simd=1)
    slower_skip, _ = _skip_and_body(estimate(arch, Folding(slower), board))
    assert slower_skip.depth > 2 * skip.depth


def test_fifos_are_counted_in_the_totals():
    arch, board = load_arch(RES), load_board("zcu104")
    result = plan_folding(arch, board, fps=2000).estimate
    assert len(result.fifos) == 4  # two adds, two inputs each
    for kind in ("lut", "bram18", "uram"):
        nodes = sum(getattr(n.cost, kind) for n in result.nodes)
        assert getattr(result, kind) == nodes + sum(getattr(f, kind) for f in result.fifos)
    assert sum(f.bram18 for f in result.fifos) > 0


@pytest.mark.parametrize("path", CHAIN_ARCHS, ids=lambda p: p.stem)
def test_chains_get_no_fifos(path):
    arch, board = load_arch(path), load_board("pynq-z2")
    result = estimate(arch, Folding({}), board)
    assert result.fifos == ()


def test_deep_fifos_use_block_ram_on_a_part_without_uram():
    # fifo.sv's ladder asks for URAM past a depth on any part; Zynq-7000 has none
    assert fifo_cost(20_000, 16, "xczu7ev-ffvc1156-2-e", True)[0] == "ultra"
    style, lut, bram18, uram = fifo_cost(20_000, 16, "xc7z020clg400-1", False)
    assert (style, uram) == ("block", 0) and bram18 > 0
    assert fifo_cost(2, 8, "xc7z020clg400-1", False)[0] == "srl"




@pytest.mark.parametrize("name", ["res-fmnist", "res-cnv", "cell-bnas"])
@pytest.mark.parametrize("fps", [500, 5000, 20_000])
def test_an_add_streams_its_inputs_at_one_pe(name, fps):
    from hwnas.cost.nodes import ElementwiseAdd, hardware_graph
    from hwnas.errors import UserError

    arch, board = load_arch(REPO / "examples" / "archs" / f"{name}.yaml"), load_board("zcu104")
    try:
        plan = plan_folding(arch, board, fps=fps)
    except UserError:
        pytest.skip(f"{name} does not reach {fps} fps on {board.name}")
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
