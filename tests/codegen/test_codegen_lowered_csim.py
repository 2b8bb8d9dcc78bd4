"""End to end: Brevitas model -> ``hwnas.lower`` (FINN dataflow graph) -> generated HLS C++ -> g++ C-simulation.

The C-simulated accelerator must predict exactly the Brevitas model's class and the class of FINN's
Python execution of dataflow.onnx, on 100 images (Fashion-MNIST test images where the input fits).
Foldings are FINN folding_config files given to ``lower(..., folding=path)``, or the folding hwnas's
optimiser picks for a target fps (``lower(..., fps=F)``).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from hwnas.arch.sample import random_arch
from hwnas.arch.spec import load_arch
from hwnas.board import load_board
from hwnas.codegen.project import build_project
from tests.codegen.lowered import BOARD, folding, lower_at
from tests.conftest import FASHION_MNIST, REPO, TFC_FPS, needs_fashion_mnist

pytestmark = pytest.mark.slow

IMAGES = 100


def _csim_and_check(run, arch, tmp_path, *, model=None, finn_images=None):
    """C-simulate the design lowered into the folder ``run`` on IMAGES images; every one must agree
    with the model (the run's own model.pt unless given) and with FINN."""
    from hwnas.model import load_checkpoint

    if model is None:
        model, _ = load_checkpoint(run / "model.pt")
    report = build_project(
        run / "dataflow.onnx", board=load_board(BOARD), out_dir=tmp_path / "hls", arch=arch, torch_model=model,
        csim=IMAGES, finn_images=finn_images, fashion_mnist_dir=FASHION_MNIST,
    )
    assert report.images == IMAGES
    assert report.finn_images == (finn_images or IMAGES)
    assert report.finn_agree == report.finn_images, report.log
    assert report.model_agree == IMAGES, report.log
    return report


def _mvau_folds(lowered) -> dict[str, tuple[int, int]]:
    config = json.loads(lowered.folding_path.read_text())
    return {name: (attrs["PE"], attrs["SIMD"]) for name, attrs in config.items() if name.startswith("MVAU")}


@needs_fashion_mnist
@pytest.mark.parametrize("kind", ["pe1-simd1", "full", "uneven"])
def test_trained_tfc(trained_tfc, tmp_path, kind):
    arch, model, checkpoint = trained_tfc
    fold = folding(arch, kind)
    lowered = lower_at(arch, tmp_path / "run", fold=fold, checkpoint=checkpoint)
    assert _mvau_folds(lowered) == {name: (f.pe, f.simd) for name, f in fold.nodes.items() if name.startswith("MVAU")}
    report = _csim_and_check(lowered.out_dir, arch, tmp_path, model=model)
    assert "Fashion-MNIST" in report.source


@needs_fashion_mnist
def test_trained_tfc_at_the_optimisers_folding(trained_tfc, trained_tfc_at_fps, tmp_path):
    from hwnas.cost import optimise_folding

    arch, model, _ = trained_tfc
    chosen = optimise_folding(arch, load_board(BOARD), fps=TFC_FPS)
    folds = _mvau_folds(trained_tfc_at_fps)
    assert folds == {name: (chosen.of(name).pe, chosen.of(name).simd) for name in folds}
    assert set(folds.values()) != {(1, 1)}
    _csim_and_check(trained_tfc_at_fps.out_dir, arch, tmp_path, model=model)


def test_sfc_uneven_folding(tmp_path):
    arch = load_arch(REPO / "examples" / "archs" / "sfc-w1a1.yaml")
    lowered = lower_at(arch, tmp_path / "run", fold=folding(arch, "uneven"))
    _csim_and_check(lowered.out_dir, arch, tmp_path)


def test_sfc_at_the_optimisers_folding(tmp_path):
    """SFC-w1a1 folded by hwnas's optimiser for 50,000 fps on pynq-z2."""
    arch = load_arch(REPO / "examples" / "archs" / "sfc-w1a1.yaml")
    lowered = lower_at(arch, tmp_path / "run", fps=50_000, seed=1)
    assert set(_mvau_folds(lowered).values()) != {(1, 1)}
    _csim_and_check(lowered.out_dir, arch, tmp_path)


@pytest.mark.parametrize("seed", [3, 4])
def test_random_mlp_spec(tmp_path, seed):
    rng = np.random.default_rng(seed)
    arch = random_arch(rng, kind="mlp", name=f"random{seed}")
    lowered = lower_at(arch, tmp_path / "run", fold=folding(arch, "random", rng), seed=seed)
    _csim_and_check(lowered.out_dir, arch, tmp_path)


# seed 13: 8-bit image input; seed 17: bipolar image input (1 bit, through im2col and a max pool)
@pytest.mark.parametrize(("seed", "input_bits"), [(13, 8), (17, 1)])
def test_random_conv_spec(tmp_path, seed, input_bits):
    rng = np.random.default_rng(seed)
    arch = random_arch(rng, kind="conv", name=f"randomconv{seed}")
    assert arch.input.bits == input_bits
    lowered = lower_at(arch, tmp_path / "run", fold=folding(arch, "random", rng), seed=seed)
    _csim_and_check(lowered.out_dir, arch, tmp_path)


def test_random_conv_spec_at_the_optimisers_folding(tmp_path):
    """Seed 19's conv spec, for four times the fps it reaches unfolded."""
    from hwnas.cost import Folding, estimate

    arch = random_arch(np.random.default_rng(19), kind="conv", name="randomconv19")
    fps = 4 * estimate(arch, Folding(), load_board(BOARD)).fps
    lowered = lower_at(arch, tmp_path / "run", fps=fps, seed=19)
    assert set(_mvau_folds(lowered).values()) != {(1, 1)}
    _csim_and_check(lowered.out_dir, arch, tmp_path)


def test_cnv_at_finn_examples_folding(cnv_cli_run, tmp_path):
    """CNV-w1a1 lowered by `hwnas lower` at finn-examples' folding: C-sim vs the Brevitas model on 100
    random CIFAR-sized images, and vs FINN's Python execution on 10 of them (~2 s an image here)."""
    from hwnas.arch.spec import load_arch

    run, _ = cnv_cli_run
    _csim_and_check(run, load_arch(REPO / "examples" / "archs" / "cnv-w1a1.yaml"), tmp_path, finn_images=10)


def test_cnv_at_the_optimisers_folding(tmp_path):
    """CNV-w1a1 folded by hwnas's optimiser for 1,000 fps on pynq-z2 (a second CNV folding, unlike
    finn-examples' one): C-sim vs the Brevitas model on 100 images, vs FINN on 5 of them."""
    from hwnas.arch.spec import load_arch

    arch = load_arch(REPO / "examples" / "archs" / "cnv-w1a1.yaml")
    lowered = lower_at(arch, tmp_path / "run", fps=1_000, seed=2)
    assert _mvau_folds(lowered) != {n: (1, 1) for n in _mvau_folds(lowered)}
    _csim_and_check(lowered.out_dir, arch, tmp_path, finn_images=5)


PARALLEL_WINDOW_SPECS = {
    # the two specs for which `hwnas build --board pynq-z2 --fps 1000` used to refuse the optimiser's
    # parallel_window=1 sliding window
    "binary-input": ({"channels": 1, "height": 28, "width": 28, "bits": 1}, 0),
    "uint8-padded": ({"channels": 1, "height": 28, "width": 28, "bits": 8}, 1),
}


@needs_fashion_mnist
@pytest.mark.parametrize("case", list(PARALLEL_WINDOW_SPECS))
def test_parallel_window_at_the_optimisers_folding(tmp_path, case):
    from hwnas.arch.spec import arch_from_dict

    image, padding = PARALLEL_WINDOW_SPECS[case]
    arch = arch_from_dict({
        "name": f"pw-{case}", "input": image, "classes": 10, "weight_bits": 1, "act_bits": 1,
        "layers": [
            {"conv": {"out": 24, "kernel": 3, "padding": padding}}, {"maxpool": {"kernel": 2}},
            {"conv": {"out": 48, "kernel": 3}}, {"linear": {"out": 10}},
        ],
    })
    # at 1,000 fps the optimiser's mixed foldings (issue 19) keep these windows serial; at 30,000 fps
    # it still picks parallel_window=1, which is what this test builds
    lowered = lower_at(arch, tmp_path / "run", fps=30_000, seed=5)
    config = json.loads(lowered.folding_path.read_text())
    assert any(attrs.get("parallel_window") for attrs in config.values())
    _csim_and_check(lowered.out_dir, arch, tmp_path, finn_images=20)
