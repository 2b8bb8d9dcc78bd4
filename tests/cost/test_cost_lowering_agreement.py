"""hwnas's cost model against ``finn_estimates.json`` of the real lowering (Brevitas -> QONNX -> FINN).

Each spec is lowered once with the folding hwnas's optimiser chose (written as folding_config.json
and passed as ``--folding``), and FINN's per-node numbers are compared with the model's: same nodes in
the same order, cycles and BRAM18 equal, LUT within 1%, same bottleneck. Specs cycle through two
boards and several frame-rate targets.

One LUT term depends on the trained weights, which a spec does not have: FINN sizes each MVAU's
accumulator from the weights' column sums, and the model assumes random signs (mvau.accumulator_bits).
Where a column sum sits at a power of two the two can differ by one bit, i.e. by 1.1 * PE LUTs; the
test allows exactly that and no more, and seeds torch so each lowering's weights are reproducible.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from hwnas.arch.sample import random_arch
from hwnas.arch.spec import arch_from_dict, load_arch
from hwnas.board import load_board
from hwnas.cost import Folding, estimate, hardware_nodes, plan_folding, write_finn_config
from hwnas.errors import UserError
from hwnas.lower import lower

from conftest import REPO
from test_cost_agreement import PADDED


pytestmark = pytest.mark.slow

BOARDS = ("pynq-z2", "zcu104")
SPEED_UPS = (1, 4, 16, 64)  # targets as multiples of the fully folded frame rate


def _cases():
    cases = [("tfc-w1a1", "pynq-z2", 64), ("cnv-w1a1", "zcu104", 64), ("padded", "pynq-z2", 8)]
    for i in range(20):
        cases.append((f"random-{'conv' if i % 2 == 0 else 'mlp'}-{i}", BOARDS[(i // 2) % 2], SPEED_UPS[i % 4]))
    return cases


def _arch(name: str):
    if name == "padded":
        return arch_from_dict(PADDED, source=name)
    if not name.startswith("random-"):
        return load_arch(REPO / "examples" / "archs" / f"{name}.yaml")
    _, kind, seed = name.split("-")
    return random_arch(np.random.default_rng(1000 + int(seed)), kind=kind, name=name)


@pytest.fixture(scope="module")
def lowered(tmp_path_factory):
    import torch

    cache = {}

    def get(name: str, board_name: str, speed_up: int):
        key = (name, board_name, speed_up)
        if key not in cache:
            arch, board = _arch(name), load_board(board_name)
            plan = None
            for factor in (speed_up, *(s for s in reversed(SPEED_UPS) if s < speed_up)):
                try:
                    plan = plan_folding(arch, board, fps=estimate(arch, Folding(), board).fps * factor)
                    break
                except UserError:  # that target does not fit the board; try a lower one
                    continue
            assert plan is not None
            out = tmp_path_factory.mktemp(name)
            torch.manual_seed(sum(map(ord, name)))  # the untrained model's weights, reproducibly
            config = write_finn_config(plan.folding, hardware_nodes(arch), out / "folding_config.json")
            result = lower(arch, board, out_dir=out / "lowered", folding=config)
            cache[key] = (plan, json.loads(result.estimates_path.read_text()))
        return cache[key]

    return get


@pytest.mark.parametrize("name,board_name,speed_up", _cases(), ids=lambda v: str(v))
def test_model_equals_finn_estimates_of_the_lowering(name, board_name, speed_up, lowered):
    plan, finn = lowered(name, board_name, speed_up)
    ours = plan.estimate
    assert [e.name for e in ours.nodes] == [n["name"] for n in finn["nodes"]]
    for e, theirs in zip(ours.nodes, finn["nodes"]):
        assert e.node.op_type == theirs["op_type"]
        assert e.cost.cycles_per_frame == theirs["cycles"], e.name
        assert e.cost.bram18 == theirs["bram18"], e.name
        one_accumulator_bit = 1.1 * e.fold.pe + 1 if e.node.op_type == "MVAU_hls" else 0
        assert abs(e.cost.lut - theirs["lut"]) <= max(0.01 * theirs["lut"], one_accumulator_bit), e.name
    assert ours.bottleneck == finn["bottleneck"]["name"]
    assert ours.fps == pytest.approx(finn["fps"])
    bits_allowance = sum(1.1 * e.fold.pe + 1 for e in ours.nodes if e.node.op_type == "MVAU_hls")
    assert abs(ours.lut - finn["total"]["lut"]) <= max(0.01 * finn["total"]["lut"], bits_allowance)
    assert ours.bram18 == finn["total"]["bram18"]
