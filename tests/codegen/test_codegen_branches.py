"""Branching networks in the generated accelerator, a slice of tests/codegen/branching_cases.py:
every branching example at the optimiser's folding and 2 random branching specs (one at the
optimiser's folding, one at a random one), C-simulated bit-exactly against the Brevitas model and
FINN's Python execution, and simulated for timing with the generated FIFO depths (within 5% of the
cost model, no deadlock, no FIFO above its depth); in res-fmnist each skip FIFO cut to depth 2
deadlocks the design or slows it down (cell-bnas and res-cnv pass too, in minutes each; the
parametrisation keeps CI to the fastest).

Images per case: 10, except res-cnv (CNV-sized: FINN's execution takes seconds an image) with 2.
benchmarks/check_branching_csim.py runs the whole set (3 examples and 6 random specs, each at both
foldings) on 100 images.
"""

from __future__ import annotations

import pytest

from tests.codegen.branching_cases import EXAMPLES, check

pytestmark = pytest.mark.slow

IMAGES = {"res-cnv": 2}
DEFAULT_IMAGES = 10
CASES = [(spec, "optimiser") for spec in EXAMPLES] + [("random-1", "random"), ("random-2", "optimiser")]
CUT_EXAMPLES = ("res-fmnist",)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """Each case checked once, on first use (the C-sim and the timing tests share it)."""
    cache = {}

    def get(spec, folding):
        if (spec, folding) not in cache:
            out = tmp_path_factory.mktemp(f"{spec}-{folding}")
            cache[spec, folding] = check(spec, folding, out, images=IMAGES.get(spec, DEFAULT_IMAGES))
        return cache[spec, folding]

    return get


@pytest.mark.parametrize("spec,folding", CASES, ids=lambda v: v)
def test_csim_is_bit_exact_and_simulates_at_the_estimated_rate(outcomes, spec, folding):
    outcome = outcomes(spec, folding)
    assert outcome.exact, outcome
    simulated = outcome.simulated
    assert not simulated.deadlock, simulated.verdict()
    assert not simulated.overflowing, simulated.overflowing
    assert abs(simulated.deviation) <= 0.05, simulated.verdict()


@pytest.mark.parametrize("spec", CUT_EXAMPLES)
def test_a_skip_fifo_cut_to_depth_2_deadlocks_or_slows_the_design(outcomes, spec):
    from qonnx.core.modelwrapper import ModelWrapper

    from hwnas.codegen.layers import read_layers
    from hwnas.sim import reconverging_fifos, simulate_layers

    outcome = outcomes(spec, "optimiser")
    layers, streams = read_layers(ModelWrapper(str(outcome.dataflow)))
    sized = simulate_layers(layers, streams, 3)
    assert not sized.deadlock, sized.verdict()
    skips = reconverging_fifos(layers)
    assert skips, "every branching example has a skip connection"
    for name in skips:
        # few sweeps: a cut design is solved event by event anyway, and deadlocks early
        cut = simulate_layers(layers, streams, 3, depths={name: 2}, max_sweeps=10)
        assert cut.deadlock or cut.cycles_per_frame > 1.05 * sized.cycles_per_frame, (name, cut.verdict())


@pytest.mark.parametrize("spec", ["cell-bnas"])
def test_branch_schedules_read_and_write_what_the_csim_does(outcomes, spec):
    """The C-sim built with -DHWNAS_COUNT_TOKENS prints each layer's reads and writes on its first
    input and output port for one image; every schedule, fan-out, add and concat included, must
    match, and its other ports move as many words as the streams they sit on carry."""
    from qonnx.core.modelwrapper import ModelWrapper

    from hwnas.codegen.layers import read_layers
    from hwnas.schedules import schedule
    from tests.codegen.hls_harness import counted_tokens

    project = outcomes(spec, "optimiser").project
    counted = counted_tokens(project)
    layers, streams = read_layers(ModelWrapper(str(outcomes(spec, "optimiser").dataflow)))
    words = {s["name"]: s["words"] for s in streams}
    assert {layer["kind"] for layer in layers} >= {"duplicate", "add", "concat"}
    assert list(counted) == [layer["name"] for layer in layers]
    for layer in layers:
        kernel = schedule(layer)
        assert (len(kernel.reads[0]), len(kernel.writes[0])) == counted[layer["name"]], layer["name"]
        for name, reads in zip(layer["inputs"][1:], kernel.reads[1:]):
            assert len(reads) == words[name], (layer["name"], name)
        for name, writes in zip(layer["outputs"][1:], kernel.writes[1:]):
            assert len(writes) == words[name], (layer["name"], name)
