"""The cell space decodes every point to a valid graph spec, with BNAS's Zeroise and skip semantics."""

import numpy as np
import pytest

from hwnas.arch.spec import ImageInput
from hwnas.kinds.add import Add
from hwnas.kinds.concat import Concat
from hwnas.kinds.conv import Conv
from hwnas.search.cells import OPS, CellSpace, edge_keys
from hwnas.search.space import RandomChoices, SearchSpace

GREY = ImageInput(1, 28, 28, 8)


def space(**kw) -> SearchSpace:
    return SearchSpace(GREY, 10, CellSpace(**kw))


def point(ops: dict[tuple[str, int, int], tuple[str, int]], **macro) -> dict:
    """A two-stage, one-cell-per-stage point; edges not in ``ops`` are Zeroise."""
    p = {"stages": 2, "s0_width": 16, "s0_cells": 1, "s1_width": 32, "s1_cells": 1, "head_layers": 0, **macro}
    for key in edge_keys(CellSpace()):
        op, source = ops.get(key, ("zeroise", 0))
        t, i, e = key
        p[f"{t}_n{i}_e{e}_op"], p[f"{t}_n{i}_e{e}_in"] = op, source
    return p


def test_random_points_decode_to_valid_specs_with_every_kind():
    sp = space()
    rng = np.random.default_rng(0)
    seen_ops, kinds = set(), set()
    for _ in range(200):
        p = sp.sample(RandomChoices(rng))
        arch = sp.decode(p)  # validates: shapes, every layer used, add/concat inputs
        seen_ops |= {p[k] for k in p if k.endswith("_op")}
        kinds |= {type(layer).__name__ for layer in arch.layers}
        assert arch.input.bits == 8 and arch.layers[-1].out == 10
    assert seen_ops == set(OPS)
    assert {"Add", "Concat", "Conv", "MaxPool", "Linear"} <= kinds


def test_zeroise_drops_edges_and_nodes():
    sp = space()
    # every edge Zeroise: stem, the pool between the stages, the classifier
    arch = sp.decode(point({}))
    assert [type(layer).__name__ for layer in arch.layers] == ["Conv", "MaxPool", "Linear"]
    # node 0 of the normal cell: a conv and a Zeroise is the conv alone, no add
    arch = sp.decode(point({("normal", 0, 0): ("conv3", 0)}))
    assert not any(isinstance(layer, Add) for layer in arch.layers)
    assert sum(isinstance(layer, Conv) for layer in arch.layers) == 2


def test_node_sums_two_edges_and_cell_concatenates_its_nodes():
    sp = space()
    arch = sp.decode(point({
        ("normal", 0, 0): ("conv3", 0), ("normal", 0, 1): ("dilconv3", 1),
        ("normal", 1, 0): ("skip", 2), ("normal", 1, 1): ("conv3", 0),
    }))
    by_name = {layer.name: layer for layer in arch.layers}
    assert isinstance(by_name["s0c0_n0"], Add) and isinstance(by_name["s0c0_n1"], Add)
    assert by_name["s0c0_n0_e1"].dilation == 2 and by_name["s0c0_n0_e1"].padding == 2
    # node 1 adds node 0 (a skip) to a conv; the cell's output concatenates both nodes
    assert by_name["s0c0_n1"].inputs == ("s0c0_n0", "s0c0_n1_e1")
    assert isinstance(by_name["s0c0"], Concat) and by_name["s0c0"].inputs == ("s0c0_n0", "s0c0_n1")
    shapes = {s.layer.name: s for s in arch.shapes()}
    assert shapes["s0c0"].out_shape == (32, 28, 28)


def test_reduction_cell_follows_the_pool_and_projects_its_input():
    sp = space()
    arch = sp.decode(point({("reduce", 0, 0): ("skip", 0), ("reduce", 0, 1): ("conv3", 1)}))
    by_name = {layer.name: layer for layer in arch.layers}
    # the stem's 16 channels meet stage 1's width 32: a 1x1 projection after the pool
    assert by_name["s1c0_pre0"].kernel == 1 and by_name["s1c0_pre0"].inputs == ("s1_pool",)
    assert by_name["s1c0_n0"].inputs == ("s1c0_pre0", "s1c0_n0_e1")


def test_inter_cell_skip_reads_the_cell_before_the_previous():
    sp = space()
    p = point({("normal", 0, 0): ("conv3", 1), ("normal", 0, 1): ("conv3", 0)}, s0_cells=2)
    arch = sp.decode(p)
    by_name = {layer.name: layer for layer in arch.layers}
    # the second cell's input 1 is the stem (same resolution), its input 0 the first cell's output
    assert by_name["s0c1_n0_e0"].inputs == ("stem",)
    assert by_name["s0c1_n0_e1"].inputs == ("s0c0_n0",)


def test_extremes():
    sp = space()
    largest, smallest = sp.largest(), sp.smallest()
    assert len(largest.layers) > 40 and len(smallest.layers) == 3
    # the largest: every node of every cell, normal (s0c0) and reduction (s1c0), sums two 3x3 convs
    names = {layer.name for layer in largest.layers}
    for cell in ("s0c0", "s0c1", "s1c0", "s2c0"):
        assert {f"{cell}_n{i}" for i in range(2)} <= names
        assert {f"{cell}_n{i}_e{e}" for i in range(2) for e in range(2)} <= names


def test_cell_space_needs_images():
    from hwnas.arch.spec import FlatInput

    with pytest.raises(ValueError, match="image input"):
        SearchSpace(FlatInput(784, 8), 10, CellSpace())
    with pytest.raises(ValueError, match="unknown cell ops"):
        CellSpace(ops=("conv5",))
