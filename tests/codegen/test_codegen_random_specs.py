"""A representative slice of the random-spec set (tests/codegen/random_specs.py): each spec at both
frame-rate targets, the optimiser's folding built and C-simulated bit-exactly against the Brevitas
model and FINN. The whole set (30 specs x 2 targets) is benchmarks/check_random_specs_csim.py,
about 15 minutes here."""

from __future__ import annotations

import pytest

from tests.codegen.random_specs import TARGETS, Case, cases, spec

IMAGES = 20
# spec 17: conv on 8-bit colour images, padded first conv, max pool; spec 13: conv on binarised
# colour images; spec 21: MLP with 8-bit input
SLICE = [Case(seed, target) for seed in (17, 13, 21) for target in TARGETS]


def test_the_set_covers_every_input_kind():
    kinds = set()
    for case in cases():
        arch = spec(case.seed)
        kinds.add((type(arch.input).__name__, arch.input.bits, arch.input.shape[0] if len(arch.input.shape) == 3 else 0))
    assert {bits for _, bits, _ in kinds} == {1, 8}
    assert {channels for kind, _, channels in kinds if kind == "ImageInput"} == {1, 3}
    assert {"FlatInput", "ImageInput"} <= {kind for kind, _, _ in kinds}
    assert any(getattr(layer, "padding", 0) for case in cases() for layer in spec(case.seed).layers)
    assert len(cases()) >= 60


@pytest.mark.slow
@pytest.mark.parametrize("case", SLICE, ids=lambda c: c.name)
def test_the_optimisers_folding_csimulates_exactly(case, tmp_path):
    from tests.codegen.random_specs import check

    outcome = check(case, tmp_path, images=IMAGES)
    assert outcome.exact, outcome
    assert abs(outcome.simulated_deviation) <= 0.05, outcome
