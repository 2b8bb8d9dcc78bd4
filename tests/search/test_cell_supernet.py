"""The cell supernet shares weights as the Brevitas model of the decoded spec computes: a subnet's
forward equals hwnas's GraphNet built from ``SearchSpace.decode`` holding the subnet's sliced weights."""

import numpy as np
import pytest
import torch

from hwnas.arch.spec import ImageInput
from hwnas.search.cell_supernet import subnet_steps
from hwnas.search.cells import CellSpace
from hwnas.search.inherit import subnet_model
from hwnas.search.space import ExtremeChoices, RandomChoices, SearchSpace
from hwnas.search.supernet import SuperNet

SPACE = SearchSpace(ImageInput(1, 12, 12, 8), 4, CellSpace(widths=(8, 16), head_widths=(16, 32)))


@pytest.fixture(scope="module")
def net():
    torch.set_num_threads(1)  # small convs: one thread is faster on a shared 2-core machine
    torch.manual_seed(0)
    supernet = SuperNet(SPACE, seed=1)
    with torch.no_grad():  # BatchNorm affine values away from 1 and 0, so a wrong slice shows
        for gamma in supernet.bn_weight.values():
            gamma.uniform_(0.5, 1.5)
        for beta in supernet.bn_bias.values():
            beta.uniform_(-0.5, 0.5)
    return supernet.eval()


@pytest.mark.slow
def test_subnet_forward_equals_the_brevitas_graph_of_the_decoded_spec(net):
    rng = np.random.default_rng(0)
    raw = torch.as_tensor(rng.integers(0, 256, (96, 1, 12, 12)), dtype=torch.float32)
    kinds = set()
    points = [SPACE.sample(ExtremeChoices(True)), SPACE.sample(ExtremeChoices(False))]
    points += [SPACE.sample(RandomChoices(rng)) for _ in range(8)]
    for point in points:
        stats = net.calibrate(point, [raw])  # as subnet_model calibrates: one batch of up to 500
        with torch.no_grad():
            from_supernet = net(raw, point, bn_stats=stats)
        model, arch = subnet_model(net, point, raw.numpy())
        assert arch == SPACE.decode(point)
        with torch.no_grad():
            from_model = model(raw)
        # integer popcounts times one scale: equal, not merely close
        assert torch.equal(from_supernet, from_model), point
        assert len(set(from_model.argmax(1).tolist())) > 1  # the subnet does not answer one class for all
        kinds |= {s.kind for s in arch.shapes()}
    assert {"add", "concat", "conv", "maxpool", "linear"} <= kinds


def cell_point(normal: dict[tuple[int, int], tuple[str, int]]) -> dict:
    """Two stages of one cell, width 8; normal-cell edges not in ``normal`` are Zeroise, the reduction
    cell is one conv reading its input 0 (the pooled output of the normal cell)."""
    point = {"stages": 2, "s0_width": 8, "s0_cells": 1, "s1_width": 8, "s1_cells": 1, "head_layers": 0}
    reduce = {(0, 0): ("conv3", 0)}
    for t, ops in (("normal", normal), ("reduce", reduce)):
        for i in range(2):
            for e in range(2):
                op, source = ops.get((i, e), ("zeroise", 0))
                point[f"{t}_n{i}_e{e}_op"], point[f"{t}_n{i}_e{e}_in"] = op, source
    return point


def pre_projection_columns(point: dict) -> list[int]:
    (pre,) = [s for s in subnet_steps(SPACE, point) if s.shape.layer.name == "s1c0_pre0"]
    return pre.in_channels.tolist()


def test_a_nodes_channels_meet_the_same_weights_whichever_nodes_live():
    widest = 16
    # both nodes read input 0: the normal cell's output concatenates node 0 and node 1
    both = cell_point({(0, 0): ("conv3", 0), (1, 0): ("conv3", 0)})
    assert pre_projection_columns(both) == [*range(8), *range(widest, widest + 8)]
    # node 0 dropped, node 1 reads input 1: node 1, then input 0 passed on after the last node's columns
    one = cell_point({(1, 0): ("dilconv3", 1)})
    assert SPACE.decode(one).layers[[l.name for l in SPACE.decode(one).layers].index("s0c0")].inputs == ("s0c0_n1_e0", "stem")
    assert pre_projection_columns(one) == [*range(widest, widest + 8), *range(2 * widest, 2 * widest + 8)]
