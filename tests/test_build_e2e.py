"""End to end: Brevitas model -> FINN dataflow graph -> generated HLS C++ -> g++ C-simulation.

The C-simulated accelerator must predict exactly the Brevitas model's class and the class of FINN's
Python execution of dataflow.onnx, on 100 images (Fashion-MNIST test images where the input fits).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hwnas.arch.sample import random_arch
from hwnas.arch.spec import load_arch
from hwnas.board import load_board
from hwnas.codegen.project import FASHION_MNIST_TEST_IMAGES, build_project, read_idx_images
from tests.conftest import REPO
from tests.finn_lowering import lower_spec

pytestmark = pytest.mark.slow

IMAGES = 100
FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
needs_fashion_mnist = pytest.mark.skipif(
    not (FASHION_MNIST / FASHION_MNIST_TEST_IMAGES).is_file(),
    reason="Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)",
)


def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


def _mlp_dims(arch) -> list[tuple[int, int]]:
    """(MW, MH) of every linear layer."""
    return [(int(np.prod(s.in_shape)), s.out_shape[0]) for s in arch.shapes()]


def _foldings(arch, rng) -> dict[str, list[tuple[int, int]]]:
    dims = _mlp_dims(arch)
    uneven = []
    for mw, mh in dims:
        pes, simds = _divisors(mh), _divisors(mw)
        uneven.append((pes[len(pes) // 2], simds[len(simds) // 2]))
    return {
        "pe1-simd1": [(1, 1)] * len(dims),
        "full": [(mh, mw) for mw, mh in dims],
        "uneven": uneven,
        "random": [(int(rng.choice(_divisors(mh))), int(rng.choice(_divisors(mw)))) for mw, mh in dims],
    }


def _fresh_model(arch, seed=0):
    import torch

    from hwnas.model import build_model, calibrate_batchnorm, prepare_input, random_raw_inputs

    torch.manual_seed(seed)
    model = build_model(arch)
    calibrate_batchnorm(model, prepare_input(random_raw_inputs(arch, 256, np.random.default_rng(seed)), arch))
    return model.eval()


@pytest.fixture(scope="module")
def trained_tfc():
    """TFC trained for a few hundred steps on Fashion-MNIST training images."""
    import gzip

    import torch

    from hwnas.model import build_model, calibrate_batchnorm, prepare_input

    arch = load_arch(REPO / "examples" / "archs" / "tfc-w1a1.yaml")
    with gzip.open(FASHION_MNIST / "train-images-idx3-ubyte.gz", "rb") as f:
        f.read(16)
        images = np.frombuffer(f.read(6000 * 784), dtype=np.uint8).reshape(6000, 784)
    with gzip.open(FASHION_MNIST / "train-labels-idx1-ubyte.gz", "rb") as f:
        f.read(8)
        labels = torch.from_numpy(np.frombuffer(f.read(6000), dtype=np.uint8).astype(np.int64))
    x = torch.from_numpy(prepare_input(images, arch))
    torch.manual_seed(0)
    model = build_model(arch)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)
    model.train()
    for _epoch in range(1):
        for i in range(0, len(x), 100):
            optimiser.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x[i : i + 100]), labels[i : i + 100])
            loss.backward()
            optimiser.step()
    calibrate_batchnorm(model, x[:2000].numpy())
    model.eval()
    with torch.no_grad():
        accuracy = (model(x[:2000]).argmax(1) == labels[:2000]).float().mean().item()
    assert accuracy > 0.6, f"training did not take: {accuracy:.2f}"
    return arch, model


def _build_and_check(arch, model, foldings, tmp_path, label_pe=1, finn_images=None):
    lower_spec(model, arch, tmp_path / "run", foldings, label_pe=label_pe)
    report = build_project(
        tmp_path / "run" / "dataflow.onnx", board=load_board("pynq-z2"), out_dir=tmp_path / "hls", arch=arch,
        torch_model=model, csim=IMAGES, finn_images=finn_images, fashion_mnist_dir=FASHION_MNIST,
    )
    assert report.images == IMAGES
    assert report.finn_images == (finn_images or IMAGES)
    assert report.finn_agree == report.finn_images, report.log
    assert report.model_agree == IMAGES, report.log
    return report


@needs_fashion_mnist
@pytest.mark.parametrize("folding", ["pe1-simd1", "full", "uneven"])
def test_trained_tfc_csim_matches_model_and_finn(trained_tfc, tmp_path, folding):
    arch, model = trained_tfc
    report = _build_and_check(arch, model, _foldings(arch, np.random.default_rng(0))[folding], tmp_path, label_pe=2)
    assert "Fashion-MNIST" in report.source


@pytest.mark.parametrize("seed", [3, 4])
def test_random_mlp_specs_csim_matches_model_and_finn(tmp_path, seed):
    rng = np.random.default_rng(seed)
    arch = random_arch(rng, kind="mlp", name=f"random{seed}")
    model = _fresh_model(arch, seed)
    _build_and_check(arch, model, _foldings(arch, rng)["random"], tmp_path)


def test_sfc_fresh_model_csim_matches(tmp_path):
    arch = load_arch(REPO / "examples" / "archs" / "sfc-w1a1.yaml")
    _build_and_check(arch, _fresh_model(arch), [(16, 49), (8, 16), (4, 32), (5, 8)], tmp_path)


@needs_fashion_mnist
def test_cli_build_from_a_real_lowering_at_target_fps(trained_tfc, tmp_path):
    """hwnas.lower (FINN's folding for 20,000 fps) of the trained TFC, then `hwnas build RUN_DIR --csim`."""
    from hwnas.lower import lower
    from hwnas.model import save_checkpoint

    arch, model = trained_tfc
    checkpoint = save_checkpoint(model, arch, tmp_path / "trained.pt")
    run = lower(arch, load_board("pynq-z2"), out_dir=tmp_path / "run", fps=20_000, checkpoint=checkpoint).out_dir
    result = subprocess.run(
        [sys.executable, "-m", "hwnas.cli", "build", str(run), "--board", "pynq-z2", "--out", str(tmp_path / "out"),
         "--csim", str(IMAGES)],
        capture_output=True, text=True, cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    assert f"agrees with FINN's execution of dataflow.onnx on {IMAGES}/{IMAGES}" in result.stdout
    assert f"agrees with the Brevitas model on {IMAGES}/{IMAGES}" in result.stdout
    assert (tmp_path / "out" / "hls" / "csynth.tcl").is_file()

    # self-contained: copied elsewhere, with the run folder gone, `make csim` still passes
    moved = tmp_path / "elsewhere" / "copy"
    shutil.copytree(tmp_path / "out" / "hls", moved, ignore=shutil.ignore_patterns("build"))
    shutil.rmtree(tmp_path / "out")
    shutil.rmtree(run)
    result = subprocess.run(["make", "csim"], cwd=moved, capture_output=True, text=True, check=True)
    assert f"csim: {IMAGES}/{IMAGES} predictions agree" in result.stdout


def test_cnv_csim_matches_model_and_finn(cnv_cli_run, tmp_path):
    """CNV-w1a1 lowered by `hwnas lower` at finn-examples' folding: C-sim vs the Brevitas model on 100
    random CIFAR-sized images, and vs FINN's Python execution on 10 of them (~2 s an image here)."""
    from hwnas.model import load_checkpoint

    run, _ = cnv_cli_run
    model, arch = load_checkpoint(run / "model.pt")
    report = build_project(
        run / "dataflow.onnx", board=load_board("pynq-z2"), out_dir=tmp_path / "hls", arch=arch, torch_model=model,
        csim=IMAGES, finn_images=10,
    )
    assert (report.images, report.finn_images) == (IMAGES, 10)
    assert report.finn_agree == 10, report.log
    assert report.model_agree == IMAGES, report.log


# 8-bit inputs: the stand-in lowering cannot yet convert a bipolar image input through im2col
@pytest.mark.parametrize("seed", [13, 19])
def test_random_conv_spec_csim_matches_model_and_finn(tmp_path, seed):
    rng = np.random.default_rng(seed)
    arch = random_arch(rng, kind="conv", name=f"randomconv{seed}")
    assert arch.input.bits == 8
    dims = [(int(np.prod(s.in_shape[:1])) * s.layer.kernel ** 2 if s.kind == "conv" else int(np.prod(s.in_shape)),
             s.out_shape[0]) for s in arch.shapes() if s.kind != "maxpool"]
    foldings = [(int(rng.choice(_divisors(mh))), int(rng.choice(_divisors(mw)))) for mw, mh in dims]
    _build_and_check(arch, _fresh_model(arch, seed), foldings, tmp_path)


@needs_fashion_mnist
def test_trained_tfc_at_the_optimisers_folding(trained_tfc, tmp_path):
    """The folding the cost model's optimiser picks for a target fps (MVAU PE/SIMD taken from it)."""
    cost = pytest.importorskip("hwnas.cost", reason="the cost model (branch cost) is not on this branch yet")
    arch, model = trained_tfc
    board = load_board("pynq-z2")
    folding = cost.optimise_folding(arch, board, fps=20_000)
    mvaus = [n for n in cost.hardware_nodes(arch) if type(n).__name__ == "MVAU"]
    foldings = [(folding.nodes[n.name].pe, folding.nodes[n.name].simd) for n in mvaus]
    assert foldings != [(1, 1)] * len(mvaus)
    _build_and_check(arch, model, foldings, tmp_path)
