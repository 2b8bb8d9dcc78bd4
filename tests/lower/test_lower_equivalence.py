"""FINN's Python execution of every lowered graph gives the Brevitas model's top-1 class."""

import numpy as np
import pytest

from conftest import CHAIN_ARCHS, EXAMPLE_ARCHS
from hwnas.arch import Conv, MaxPool, load_arch
from hwnas.arch.sample import random_arch
from hwnas.board import load_board
from hwnas.lower import compare_top1, lower
from hwnas.model import load_checkpoint, prepare_input, random_raw_inputs

pytestmark = pytest.mark.slow

SAMPLES = 100
RANDOM_SPECS = [("conv", seed) for seed in range(6)] + [("mlp", seed) for seed in range(6)]
MLP_EXAMPLES = [p for p in CHAIN_ARCHS if p.stem != "cnv-w1a1"]


def random_spec(kind, seed):
    return random_arch(np.random.default_rng(seed), kind=kind, name=f"{kind}-{seed}")


def assert_same_top1(arch, checkpoint, dataflow):
    model, saved_arch = load_checkpoint(checkpoint)
    assert saved_arch == arch
    inputs = prepare_input(random_raw_inputs(arch, SAMPLES, np.random.default_rng(1234)), arch)
    comparison = compare_top1(model, dataflow, inputs)
    assert comparison.mismatches == 0, (
        f"{arch.name}: FINN disagrees on {comparison.mismatches}/{SAMPLES} inputs "
        f"({int(comparison.tied.sum())} inputs have tied logits)"
    )
    # the model is not degenerate: it tells inputs apart
    assert len(set(comparison.model_classes.tolist())) > 1


def test_random_specs_cover_the_features():
    specs = [random_spec(kind, seed) for kind, seed in RANDOM_SPECS]
    assert {a.input.bits for a in specs if a.input.shape[1:]} == {1, 8}
    assert {a.input.bits for a in specs if not a.input.shape[1:]} == {1, 8}
    assert {layer.kernel for a in specs for layer in a.layers if isinstance(layer, Conv)} == {1, 2, 3}
    assert any(isinstance(layer, MaxPool) for a in specs for layer in a.layers)


@pytest.fixture(scope="module", params=RANDOM_SPECS, ids=lambda p: f"{p[0]}-{p[1]}")
def lowered_random(request, tmp_path_factory):
    arch = random_spec(*request.param)
    out = tmp_path_factory.mktemp(arch.name)
    return arch, lower(arch, load_board("pynq-z2"), out_dir=out, fps=10_000)


def test_random_spec_matches_brevitas(lowered_random):
    arch, result = lowered_random
    assert_same_top1(arch, result.checkpoint_path, result.dataflow_path)


@pytest.mark.parametrize("path", MLP_EXAMPLES, ids=lambda p: p.stem)
def test_mlp_example_matches_brevitas(path, tmp_path):
    arch = load_arch(path)
    result = lower(arch, load_board("pynq-z2"), out_dir=tmp_path, fps=10_000)
    assert_same_top1(arch, result.checkpoint_path, result.dataflow_path)


def test_cnv_matches_brevitas(cnv_cli_run):
    out, _ = cnv_cli_run
    arch = load_arch([p for p in EXAMPLE_ARCHS if p.stem == "cnv-w1a1"][0])
    assert_same_top1(arch, out / "model.pt", out / "dataflow.onnx")
