"""Branching networks through the lowering: FINN's Python execution of each lowered graph gives the
Brevitas model's top-1 class, and the cost model's numbers equal FINN's estimates node by node."""

import json

import numpy as np
import pytest

from conftest import EXAMPLE_ARCHS
from hwnas.arch import Add, Conv, load_arch
from hwnas.arch.sample import random_branching_arch
from hwnas.board import load_board
from hwnas.cost import hardware_nodes, plan_folding, reachable_fps, write_finn_config
from tests.finn_reference import lowering_differences
from hwnas.lower import lower
from test_lower_equivalence import assert_same_top1

pytestmark = pytest.mark.slow

BRANCH_EXAMPLES = [p for p in EXAMPLE_ARCHS if not load_arch(p).is_chain]
RANDOM_SEEDS = range(12)
BOARDS = ("pynq-z2", "zcu104")


def random_spec(seed):
    return random_branching_arch(np.random.default_rng(seed), name=f"branching-{seed}")


def test_random_branching_specs_cover_the_features():
    specs = [random_spec(seed) for seed in RANDOM_SEEDS]
    layers = [layer for a in specs for layer in a.layers]
    assert {a.input.bits for a in specs} == {1, 8}
    assert {len(layer.inputs) for layer in layers if isinstance(layer, Add)} == {2, 3}
    assert len({layer.bits for layer in layers if isinstance(layer, Add)}) >= 3
    assert any(isinstance(layer, Conv) and layer.dilation == 2 for layer in layers)
    # padded convs on binary maps (every conv after the first reads signs)
    assert any(s.layer.padding and s.in_bits == 1 for a in specs for s in a.shapes() if isinstance(s.layer, Conv))


def lower_and_compare(arch, board_name, out, speed_up):
    """Lower at the optimiser's folding for ``speed_up`` times the fully folded frame rate (capped by
    what fits), then compare with the model and with FINN's estimates."""
    board = load_board(board_name)
    slowest = plan_folding(arch, board, fps=1e-3).estimate
    fps = min(slowest.fps * speed_up, 0.9 * reachable_fps(arch, board)[0])
    plan = plan_folding(arch, board, fps=fps)
    folding = write_finn_config(plan.folding, hardware_nodes(arch), out / "folding.json")
    result = lower(arch, board, out_dir=out / "run", folding=folding)
    assert_same_top1(arch, result.checkpoint_path, result.dataflow_path)
    finn = json.loads(result.estimates_path.read_text())
    # FIFOs included: FINN's estimate of each StreamingFIFO_rtl equals the cost model's
    assert lowering_differences(plan.estimate, finn) == []
    assert {n["op_type"] for n in finn["nodes"]} >= {
        "DuplicateStreams_hls", "ElementwiseAdd_hls", "Thresholding_rtl", "StreamingFIFO_rtl",
    }
    assert fifo_depths(result.dataflow_path) == {f.name: (f.consumer, f.depth) for f in plan.estimate.fifos}


def fifo_depths(dataflow_path):
    """Each StreamingFIFO_rtl of a lowered graph: the node it feeds (through any FIFO after it) and its depth."""
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.custom_op.registry import getCustomOp

    model = ModelWrapper(str(dataflow_path))

    def reader(node):
        while node.op_type == "StreamingFIFO_rtl":
            node = model.find_consumer(node.output[0])
        return node.name

    return {
        n.name: (reader(model.find_consumer(n.output[0])), getCustomOp(n).get_nodeattr("depth"))
        for n in model.graph.node if n.op_type == "StreamingFIFO_rtl"
    }


@pytest.mark.parametrize("seed", RANDOM_SEEDS)
def test_random_branching_spec(seed, tmp_path):
    import torch

    torch.manual_seed(seed)
    lower_and_compare(random_spec(seed), BOARDS[seed % 2], tmp_path, speed_up=(1, 8, 64)[seed % 3])


@pytest.mark.parametrize("path", BRANCH_EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("board", BOARDS)
def test_branching_example(path, board, tmp_path):
    import torch

    torch.manual_seed(0)
    lower_and_compare(load_arch(path), board, tmp_path, speed_up=16)


def test_cell_patterns_lower_a_linear_reading_a_concat_and_adds_sharing_a_binary_input(tmp_path):
    """What the cell space's networks hold: the classifier reads a cell's concat (FINN's flatten
    removal must see the concat as the hardware node it becomes), and two nodes add the same binary
    input (FINN requantises it onto the grid once and duplicates that; the cost model must agree)."""
    import torch

    from hwnas.arch.spec import arch_from_dict

    torch.manual_seed(0)
    arch = arch_from_dict({
        "name": "cell-patterns", "input": {"channels": 1, "height": 8, "width": 8, "bits": 8}, "classes": 4,
        "layers": [
            {"conv": {"out": 8, "kernel": 3, "padding": 1}, "name": "stem"},
            {"conv": {"out": 8, "kernel": 3, "padding": 1}, "name": "a", "inputs": ["stem"]},
            {"add": {}, "name": "node0", "inputs": ["a", "stem"]},
            {"conv": {"out": 8, "kernel": 3, "padding": 2, "dilation": 2}, "name": "b", "inputs": ["stem"]},
            {"add": {}, "name": "node1", "inputs": ["stem", "b"]},
            {"concat": {}, "name": "cell", "inputs": ["node0", "node1", "stem"]},
            {"linear": {"out": 4}},
        ],
    })
    thresholds = [n for n in hardware_nodes(arch) if n.op_type == "Thresholding_rtl"]
    assert len(thresholds) == 3  # the stem's requantised copy, shared, and each add's sign
    lower_and_compare(arch, "pynq-z2", tmp_path, speed_up=8)
