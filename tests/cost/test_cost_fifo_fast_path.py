"""The estimate's FIFOs come from a fast path (``hwnas.cost.fifos.stream_fifos``: a one-input
stream cached on its two kernels, node costs cached on node and fold); it must equal the general
step (``stream_fifos_general``, every node as a possible join, straight from the schedules) FIFO for
FIFO, on random chains and branching networks at random legal foldings and at the optimiser's."""

import numpy as np
import pytest

from hwnas.arch.sample import random_arch, random_branching_arch
from hwnas.board import load_board
from hwnas.cost import Folding, estimate, plan_folding
from hwnas.cost.fifos import stream_fifos_general
from hwnas.cost.node_cost import candidate_folds, cost
from hwnas.cost.nodes import hardware_graph
from hwnas.errors import UserError


def _random_folding(rng, hw_nodes) -> Folding:
    folds = {}
    for node in hw_nodes:
        choices = candidate_folds(node)
        if choices:
            folds[node.name] = choices[int(rng.integers(len(choices)))]
    return Folding(folds)


def _check(arch, folding, board):
    hw_nodes, edges = hardware_graph(arch)
    result = estimate(arch, folding, board)
    general = stream_fifos_general(result.nodes, edges, part=board.part, has_uram=board.resources.uram > 0)
    assert result.fifos == general, arch.to_dict()
    for node_estimate in result.nodes:  # the cached node costs are the evaluators'
        assert node_estimate.cost == cost(node_estimate.node, node_estimate.fold)
    assert result.lut == sum(n.cost.lut for n in result.nodes) + sum(f.lut for f in general)
    return len(general)


@pytest.mark.parametrize("board_name", ["pynq-z2", "zcu104"])
def test_fast_fifos_equal_general_on_random_specs(board_name):
    board = load_board(board_name)
    rng = np.random.default_rng(19)
    checked = fifos = 0
    for i in range(60):
        if i % 3 == 0:
            arch = random_branching_arch(rng, name=f"b{i}")
        else:
            arch = random_arch(rng, kind="conv" if i % 3 == 1 else "mlp", name=f"c{i}")
        hw_nodes, _ = hardware_graph(arch)
        foldings = [Folding(), _random_folding(rng, hw_nodes), _random_folding(rng, hw_nodes)]
        for fps in (1_000, 100_000):
            try:
                foldings.append(plan_folding(arch, board, fps=fps).folding)
            except UserError:
                pass
        for folding in foldings:
            fifos += _check(arch, folding, board)
            checked += 1
    assert checked >= 240 and fifos > 100
