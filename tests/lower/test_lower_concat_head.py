"""A classifier reading a concat (how every cell network ends): FINN's flatten in front of it goes
once the concat is a hardware node, and the lowered graph agrees with the model and the cost model."""

import pytest

from hwnas.arch.spec import arch_from_dict
from test_lower_branches import lower_and_compare

pytestmark = pytest.mark.slow


def test_linear_after_a_concat_lowers(tmp_path):
    import torch

    torch.manual_seed(0)
    arch = arch_from_dict({
        "name": "concat-head", "input": {"channels": 1, "height": 8, "width": 8, "bits": 8}, "classes": 4,
        "layers": [
            {"conv": {"out": 8, "kernel": 3, "padding": 1}, "name": "stem"},
            {"conv": {"out": 8, "kernel": 3, "padding": 1}, "name": "a"},
            {"add": {"bits": 4}, "inputs": ["a", "stem"], "name": "sum"},
            {"conv": {"out": 8, "kernel": 3, "padding": 2, "dilation": 2}, "name": "b", "inputs": ["stem"]},
            {"concat": {}, "inputs": ["sum", "b"]},
            {"linear": {"out": 4}},
        ],
    })
    lower_and_compare(arch, "pynq-z2", tmp_path, speed_up=4)
