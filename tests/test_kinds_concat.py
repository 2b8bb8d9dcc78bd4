"""The concat kind: spec, model and cost model (its lowering is checked with the branching examples
in tests/lower/test_lower_branches.py)."""

import numpy as np
import pytest
import torch

from hwnas.arch import arch_from_dict
from hwnas.board import load_board
from hwnas.cost import Folding, NodeFold, estimate, hardware_nodes
from hwnas.cost.node_cost import candidate_folds, cost, table
from hwnas.errors import UserError
from hwnas.model import build_model, calibrate_batchnorm, prepare_input, random_raw_inputs


def cell():
    return {
        "name": "cell", "input": {"channels": 1, "height": 10, "width": 10, "bits": 8}, "classes": 3,
        "layers": [
            {"conv": {"out": 4, "kernel": 3, "padding": 1}, "name": "stem"},
            {"conv": {"out": 6, "kernel": 3, "padding": 2, "dilation": 2}, "name": "wide"},
            {"concat": {}, "inputs": ["wide", "stem"], "name": "cat"},
            {"maxpool": {"kernel": 2}},
            {"linear": {"out": 3}},
        ],
    }


def test_concat_stacks_channels_of_binary_maps():
    arch = arch_from_dict(cell())
    shapes = arch.shapes()
    assert shapes[2].out_shape == (10, 10, 10) and shapes[2].sources == (1, 0) and shapes[2].out_bits == 1
    assert arch_from_dict(arch.to_dict()) == arch


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda s: s["layers"][1]["conv"].update(padding=0),
         r"layer 2 \(concat 'cat'\): inputs of different heights/widths 6x6 and 10x10; a concat needs one"),
        (lambda s: s["layers"][2].update(inputs=["wide"]) or s["layers"][1].update(inputs=["stem"]),
         r"layer 2 \(concat 'cat'\): a concat needs at least two inputs"),
        (lambda s: s["layers"][2].update(inputs=["input", "stem", "wide"]),
         r"layer 2 \(concat 'cat'\): a concat joins binary maps; an input carries multi-bit values"),
    ],
)
def test_bad_concat_specs_name_the_layer(mutate, message):
    spec = cell()
    mutate(spec)
    with pytest.raises(UserError, match=message):
        arch_from_dict(spec)


def test_model_concatenates_the_signs():
    arch = arch_from_dict(cell())
    model = build_model(arch)
    x = prepare_input(random_raw_inputs(arch, 8, np.random.default_rng(0)), arch)
    calibrate_batchnorm(model, x)
    seen = {}
    for i in (0, 1, 2):
        model.blocks[i].register_forward_hook(lambda m, inputs, out, i=i: seen.__setitem__(i, out))
    with torch.no_grad():
        model(torch.from_numpy(x))
    assert torch.equal(seen[2], torch.cat([seen[1], seen[0]], dim=1))
    assert set(torch.unique(seen[2]).tolist()) == {-1.0, 1.0}


def test_streaming_concat_cost_and_foldings():
    arch = arch_from_dict(cell())
    (concat,) = [n for n in hardware_nodes(arch) if n.op_type == "StreamingConcat_hls"]
    assert concat.channels == (6, 4) and concat.pixels == 100
    # SIMD divides every input's channels: 1 or 2
    assert candidate_folds(concat) == (NodeFold(1, 1), NodeFold(1, 2))
    assert cost(concat, NodeFold(1, 2)).cycles_per_frame == 100 * 10 // 2
    t = table(concat)
    assert list(t.cycles) == [1000, 500] and not t.lut.any() and not t.bram18.any()
    result = estimate(arch, Folding({concat.name: NodeFold(1, 2)}), load_board("pynq-z2"))
    assert result.nodes[[n.name for n in result.nodes].index(concat.name)].cost.cycles_per_frame == 500
    assert Folding({concat.name: NodeFold(1, 2)}).to_finn_config(hardware_nodes(arch))[concat.name] == {"SIMD": 2}
