"""End to end: a TFC trained on Fashion-MNIST -> `hwnas build` for pynq-z2 and zcu104 -> the board
project's scripts run in tclsh with stubbed AMD commands, `make csim` passes, and the PYNQ driver,
through its C-simulation transport, classifies real test images exactly as the trained model does.
Also `hwnas build --backend finn`, read back with finn-plus's own configuration classes."""

from __future__ import annotations

import gzip
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hwnas.board import load_board
from tests.codegen.amd_tcl import check_board_scripts, tclsh
from tests.conftest import REPO, run_cli

FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
TEST_IMAGES = FASHION_MNIST / "t10k-images-idx3-ubyte.gz"
TEST_LABELS = FASHION_MNIST / "t10k-labels-idx1-ubyte.gz"
DRIVER_IMAGES = 1000
BOARDS = ("pynq-z2", "zcu104")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not TEST_IMAGES.is_file(), reason="Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)"),
]


def _test_set(count: int) -> tuple[np.ndarray, np.ndarray]:
    with gzip.open(TEST_IMAGES) as f:
        f.read(16)
        images = np.frombuffer(f.read(count * 784), dtype=np.uint8).reshape(count, 28, 28)
    with gzip.open(TEST_LABELS) as f:
        f.read(8)
        labels = np.frombuffer(f.read(count), dtype=np.uint8).astype(np.int64)
    return images, labels


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """TFC-w1a1 trained by hwnas.train for one epoch on 6,000 Fashion-MNIST training images."""
    from hwnas.arch.spec import load_arch
    from hwnas.data.registry import load_dataset
    from hwnas.train.config import TrainConfig
    from hwnas.train.loop import train

    arch = load_arch(REPO / "examples" / "archs" / "tfc-w1a1.yaml")
    out = tmp_path_factory.mktemp("trained")
    dataset = load_dataset("fashion-mnist", arch, progress=False)
    config = TrainConfig(dataset="fashion-mnist", epochs=1, train_subset=6000, test_subset=1000, threads=1)
    train(arch, dataset, config, out, progress=False)
    return out


@pytest.fixture(scope="module", params=BOARDS)
def project(request, trained, tmp_path_factory):
    """`hwnas build` of the trained spec for one board, C-simulating 100 test images."""
    board = request.param
    out = tmp_path_factory.mktemp(board) / "project"
    result = run_cli(
        "build", str(trained / "arch.yaml"), "--checkpoint", str(trained / "model.pt"), "--board", board,
        "--fps", "20000", "--out", str(out), "--csim", "100",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "agrees with the Brevitas model on 100/100" in result.stdout
    return load_board(board), out


def _model_classes(run_dir: Path, images: np.ndarray) -> np.ndarray:
    import torch

    from hwnas.model import load_checkpoint, prepare_input

    model, arch = load_checkpoint(run_dir / "model.pt")
    with torch.no_grad():
        return model(torch.from_numpy(prepare_input(images, arch))).argmax(1).numpy()


def _driver(project: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(project / "driver" / "run.py"), "--transport", "csim", *args],
        capture_output=True, text=True, cwd=project,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.skipif(tclsh() is None, reason="tclsh not on PATH (Debian: apt-get install tcl)")
def test_flow_scripts_parse_reference_existing_files_and_match_the_board(project, tmp_path):
    board, out = project
    check_board_scripts(out, tmp_path, board)


def test_make_csim_passes_in_the_project(project):
    _, out = project
    result = subprocess.run(["make", "csim"], cwd=out, capture_output=True, text=True, check=True)
    assert "csim: 100/100 predictions agree" in result.stdout


def test_driver_validates_with_the_trained_models_accuracy(project):
    _, out = project
    images, labels = _test_set(DRIVER_IMAGES)
    model_correct = int((_model_classes(out / "lower", images) == labels).sum())
    stdout = _driver(
        out, "--batch", "300", "validate", "--images", str(TEST_IMAGES), "--labels", str(TEST_LABELS),
        "--limit", str(DRIVER_IMAGES),
    )
    assert f"accuracy: {model_correct}/{DRIVER_IMAGES} " in stdout
    assert model_correct > 0.6 * DRIVER_IMAGES  # the model did learn


def test_driver_classifies_a_file_and_a_folder_as_the_model_does(project, tmp_path):
    _, out = project
    images, _ = _test_set(40)
    expected = _model_classes(out / "lower", images)
    np.save(tmp_path / "images.npy", images)
    lines = _driver(out, "--batch", "16", "classify", str(tmp_path / "images.npy")).splitlines()
    assert [int(line.split("\t")[1]) for line in lines] == expected.tolist()
    pil = pytest.importorskip("PIL.Image", reason="Pillow not installed: folder-of-images input untested")
    folder = tmp_path / "pngs"
    folder.mkdir()
    for i, image in enumerate(images[:10]):
        pil.fromarray(image).save(folder / f"img{i:02d}.png")
    lines = _driver(out, "classify", str(folder)).splitlines()
    assert [int(line.split("\t")[1]) for line in lines] == expected[:10].tolist()


def test_driver_benchmark_reports_frames_per_second(project):
    _, out = project
    stdout = _driver(out, "--batch", "200", "benchmark", "--runs", "2")
    assert stdout.startswith("400 images in batches of 200: ") and "fps transport" in stdout
    # the driver never imports pynq off the board
    assert importlib.util.find_spec("pynq") is None


def test_finn_backend_config_loads_in_finn_plus_and_its_folding_applies(project, tmp_path):
    from finn.builder.build_dataflow_config import DataflowBuildConfig, DataflowOutputType, ShellFlowType
    from finn.transformation.general import ApplyConfig
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.custom_op.registry import getCustomOp

    board, out = project
    result = run_cli("build", str(out / "lower"), "--board", board.name, "--backend", "finn", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    finn_dir = tmp_path / "finn"
    cfg = DataflowBuildConfig.construct_from(finn_dir / "build_config.json")
    assert cfg.board == board.finn_board and cfg.fpga_part == board.part
    assert abs(cfg.synth_clk_period_ns - 1000.0 / board.clock_mhz) < 1e-6
    assert cfg.shell_flow_type == ShellFlowType.VIVADO_ZYNQ
    assert {DataflowOutputType.BITFILE, DataflowOutputType.PYNQ_DRIVER} <= set(cfg.generate_outputs)
    folding_file = Path(cfg.folding_config_file)
    assert folding_file.is_file() and (finn_dir / "model.qonnx.onnx").is_file()
    assert "finn build build_config.json model.qonnx.onnx" in (finn_dir / "README.md").read_text()

    # the folding applies: on the lowered graph with every PE/SIMD reset to 1, ApplyConfig restores them
    folding = json.loads(folding_file.read_text())
    model = ModelWrapper(str(out / "lower" / "dataflow.onnx"))
    nodes = {n.name: n for n in model.graph.node}
    folded = {name: attrs for name, attrs in folding.items() if name != "Defaults"}
    assert folded and set(folded) <= set(nodes)
    for name in folded:
        inst = getCustomOp(nodes[name])
        for attr in ("PE", "SIMD"):
            if attr in folded[name]:
                inst.set_nodeattr(attr, 1)
    model = model.transform(ApplyConfig(str(folding_file)))
    for node in model.graph.node:
        for attr, value in folded.get(node.name, {}).items():
            assert getCustomOp(node).get_nodeattr(attr) == value, (node.name, attr)
    assert any(v.get("PE", 1) > 1 or v.get("SIMD", 1) > 1 for v in folded.values())


@pytest.mark.amd_tools
@pytest.mark.skipif(shutil.which("vivado") is None or shutil.which("vitis_hls") is None,
                    reason="needs Vivado and Vitis HLS 2022.2+ on PATH to run `make bitstream`")
def test_make_bitstream_with_the_amd_tools(project):
    _, out = project
    subprocess.run(["make", "bitstream"], cwd=out, check=True, timeout=4 * 3600)
    assert (out / "driver" / "hwnas.bit").is_file() and (out / "driver" / "hwnas.hwh").is_file()
