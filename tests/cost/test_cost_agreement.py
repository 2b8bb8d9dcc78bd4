"""hwnas's cost model against FINN's own estimates on FINN's graph, for the same folding.

FINN's side: the generic hardware layers for the spec's node list, specialised for the board's part,
with weight and accumulator types as the lowering sets them (tests/finn_reference.py), folded with the
folding_config.json hwnas writes, then res_estimation and exp_cycles_per_layer.
"""

from __future__ import annotations

import numpy as np
import pytest

from hwnas.arch.sample import random_arch
from hwnas.arch.spec import arch_from_dict, load_arch
from hwnas.board import load_board
from hwnas.cost import Folding, estimate, hardware_nodes, plan_folding
from hwnas.errors import UserError

from conftest import CHAIN_ARCHS

pytestmark = pytest.mark.slow

BOARDS = ("pynq-z2", "zcu104")
SPEED_UPS = (1, 8, 64)  # targets as multiples of the fully folded frame rate


# padding (on an 8-bit input: FINN pads binary maps with -1), a strided conv and a pool in one spec
PADDED = {
    "name": "padded", "input": {"channels": 3, "height": 12, "width": 12, "bits": 8}, "classes": 4,
    "layers": [
        {"conv": {"out": 16, "kernel": 3, "padding": 1}}, {"maxpool": {"kernel": 2}},
        {"conv": {"out": 16, "kernel": 3, "stride": 2}}, {"linear": {"out": 4}},
    ],
}


def _specs():
    # finn_reference.finn_graph builds chains; branching specs are compared with their real
    # lowering in tests/lower/test_lower_branches.py
    specs = [(p.stem, lambda p=p: load_arch(p)) for p in CHAIN_ARCHS]
    specs.append(("padded", lambda: arch_from_dict(PADDED, source="padded")))
    for seed in range(12):
        for kind in ("conv", "mlp"):
            specs.append((f"random-{kind}-{seed}", lambda s=seed, k=kind: random_arch(np.random.default_rng(100 + s), kind=k, name=f"random-{k}-{s}")))
    return specs


@pytest.fixture(scope="module")
def finn_graphs():
    from tests.finn_reference import finn_graph

    cache = {}

    def get(arch, part):
        key = (arch.name, part)
        if key not in cache:
            cache[key] = finn_graph(hardware_nodes(arch), part)
        return cache[key]

    return get


def _compare(arch, board, folding, graph):
    from tests.finn_reference import finn_numbers

    nodes = hardware_nodes(arch)
    ours = estimate(arch, folding, board)
    finn = finn_numbers(graph, board.part, folding_config=folding.to_finn_config(nodes))
    assert [e.name for e in ours.nodes] == list(finn.cycles), "same nodes, same names, same order"
    for e in ours.nodes:
        theirs = finn.resources[e.name]
        assert e.cost.cycles_per_frame == finn.cycles[e.name], e.name
        assert e.cost.bram18 == theirs["BRAM_18K"], e.name
        assert e.cost.uram == theirs["URAM"] and e.cost.dsp == theirs["DSP"], e.name
        assert e.cost.lut == theirs["LUT"], e.name  # the same formula on the same types
        applied = finn.folding[e.name]  # FINN's node attributes after ApplyConfig: our config took
        assert applied.get("PE", e.fold.pe) == e.fold.pe and applied.get("SIMD", e.fold.simd) == e.fold.simd, e.name
    assert ours.bottleneck == finn.bottleneck
    # FINN's reference graph has no FIFOs (the lowering inserts them: test_cost_lowering_agreement
    # compares those too); the estimate's totals are its nodes' plus its FIFOs'
    assert ours.lut - sum(f.lut for f in ours.fifos) == finn.total("LUT")
    assert ours.bram18 - sum(f.bram18 for f in ours.fifos) == finn.total("BRAM_18K")
    return ours


@pytest.mark.parametrize("name,make", _specs(), ids=[s[0] for s in _specs()])
@pytest.mark.parametrize("board_name", BOARDS)
def test_same_numbers_as_finn(name, make, board_name, finn_graphs):
    arch, board = make(), load_board(board_name)
    graph = finn_graphs(arch, board.part)
    unfolded = _compare(arch, board, Folding(), graph)
    compared = 0
    for speed_up in SPEED_UPS:
        try:
            plan = plan_folding(arch, board, fps=unfolded.fps * speed_up)
        except UserError:
            continue
        _compare(arch, board, plan.folding, graph)
        compared += 1
    assert compared >= 1


@pytest.mark.parametrize("arch_name,board_name,fps", [
    ("tfc-w1a1", "pynq-z2", 1_000_000), ("tfc-w1a1", "zcu104", 100_000), ("cnv-w1a1", "pynq-z2", 1_000),
])
def test_never_more_lut_and_bram_than_setfolding(repo, arch_name, board_name, fps, finn_graphs):
    """At a target SetFolding meets, hwnas meets it too, with no more board-normalised LUT + BRAM18."""
    import logging

    from hwnas.cost import cheapest_folding
    from tests.finn_reference import finn_numbers

    logging.getLogger("finn").setLevel(logging.ERROR)
    arch, board = load_arch(repo / "examples" / "archs" / f"{arch_name}.yaml"), load_board(board_name)
    graph = finn_graphs(arch, board.part)
    budget = int(board.clock_mhz * 1e6 // fps)
    theirs = finn_numbers(graph, board.part, target_cycles=budget)
    assert max(theirs.cycles.values()) <= budget, "pick targets SetFolding meets"
    folding = cheapest_folding(arch, board, cycles_per_frame=budget)
    ours = finn_numbers(graph, board.part, folding_config=folding.to_finn_config(hardware_nodes(arch)))
    assert max(ours.cycles.values()) <= budget

    def normalised(numbers):
        return numbers.total("LUT") / board.budget("lut") + numbers.total("BRAM_18K") / board.budget("bram18")

    assert normalised(ours) <= normalised(theirs)
