"""The board project of a convolutional network with 8-bit RGB input: the driver's NHWC, 8-bit
packing path, through the C-simulation transport, against the Brevitas model."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

pytestmark = pytest.mark.slow


def test_conv_driver_classifies_rgb_images_as_the_model_does(tmp_path):
    import torch

    from hwnas.arch.sample import random_arch
    from hwnas.board import load_board
    from hwnas.codegen.project import build_board_project
    from hwnas.lower import lower
    from hwnas.model import (
        build_model, calibrate_batchnorm, load_checkpoint, prepare_input, random_raw_inputs, save_checkpoint,
    )

    arch = random_arch(np.random.default_rng(13), kind="conv", name="randomconv13")
    assert arch.input.bits == 8 and arch.input.shape[0] == 3
    torch.manual_seed(0)
    fresh = build_model(arch)
    calibrate_batchnorm(fresh, prepare_input(random_raw_inputs(arch, 256, np.random.default_rng(0)), arch))
    checkpoint = save_checkpoint(fresh.eval(), arch, tmp_path / "fresh.pt")
    board = load_board("zcu104")
    run = lower(arch, board, out_dir=tmp_path / "run", fps=5000, checkpoint=checkpoint).out_dir
    project = tmp_path / "project"
    build_board_project(run / "dataflow.onnx", board=board, out_dir=project, arch=arch)
    subprocess.run(["make", "-C", "hls", "build/csim"], cwd=project, check=True, capture_output=True)
    geometry = json.loads((project / "driver" / "accelerator.json").read_text())["input"]
    assert (geometry["layout"], geometry["element_bits"], geometry["binarise_at"]) == ("nhwc", 8, None)

    _, height, width = arch.input.shape
    images = np.random.default_rng(1).integers(0, 256, size=(30, height, width, 3), dtype=np.uint8)
    np.save(tmp_path / "images.npy", images)
    result = subprocess.run(
        [sys.executable, str(project / "driver" / "run.py"), "--transport", "csim", "--batch", "7", "classify",
         str(tmp_path / "images.npy")],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    predicted = [int(line.split("\t")[1]) for line in result.stdout.splitlines()]
    model, _ = load_checkpoint(run / "model.pt")
    with torch.no_grad():
        expected = model(torch.from_numpy(prepare_input(images, arch))).argmax(1).numpy()
    assert len(set(expected.tolist())) > 1  # not a constant classifier
    assert predicted == expected.tolist()
