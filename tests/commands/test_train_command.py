import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO
from dataset_writers import write_cifar10
from hwnas.cli import main
from hwnas.commands.train import cache_dir

DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")
SPEC = """name: tiny
input: {features: 36, bits: 1}
classes: 3
layers:
  - {linear: {out: 16}}
  - {linear: {out: 3}}
"""


@pytest.fixture
def spec(tmp_path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(SPEC)
    return path


def test_train_synthetic_end_to_end(tmp_path, spec, capsys):
    out = tmp_path / "run"
    argv = ["train", str(spec), "--dataset", "synthetic", "--epochs", "2", "--out", str(out), "--threads", "1", "--no-progress"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "tiny on synthetic: test accuracy" in captured.out
    assert "epoch 2/2: loss" in captured.err
    assert sorted(p.name for p in out.iterdir()) == ["arch.yaml", "checkpoints", "classes.json", "metrics.json", "model.pt", "train-state.pt", "train.log"]
    logged = (out / "train.log").read_text()
    assert "epoch 2/2: loss" in logged and "test accuracy" in logged
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["config"]["epochs"] == 2 and metrics["test_accuracy"] > 1 / 3
    assert main(argv) == 0
    assert "trained already (2 epochs)" in capsys.readouterr().err


def test_user_errors_exit_2_without_traceback(tmp_path, spec, capsys):
    import torch

    if not torch.cuda.is_available():
        assert main(["train", str(spec), "--dataset", "synthetic", "--out", str(tmp_path / "a"), "--device", "cuda"]) == 2
        assert "hwnas: error: --device cuda asked for a CUDA GPU" in capsys.readouterr().err
    assert main(["train", str(spec), "--dataset", "mnist", "--out", str(tmp_path / "b")]) == 2
    assert "tiny reads 36 input features but mnist images are 1x28x28 = 784 values" in capsys.readouterr().err
    tfc = REPO / "examples" / "archs" / "tfc-w1a1.yaml"
    code = main(["train", str(tfc), "--dataset", "mnist", "--data-dir", str(tmp_path / "nothing"), "--no-download", "--out", str(tmp_path / "c")])
    err = capsys.readouterr().err
    assert code == 2 and "dataset 'mnist' not found. Looked in:" in err and "switched off (--no-download)" in err
    assert "Traceback" not in err


def test_cnv_reads_cifar10_batches_from_data_dir(tmp_path, capsys):
    import numpy as np

    write_cifar10(tmp_path / "data", np.random.default_rng(0), per_batch=4)
    cnv = REPO / "examples" / "archs" / "cnv-w1a1.yaml"
    argv = ["train", str(cnv), "--dataset", "cifar10", "--data-dir", str(tmp_path / "data"), "--no-download",
            "--epochs", "1", "--batch-size", "10", "--out", str(tmp_path / "cnv"), "--threads", "1", "--no-progress"]
    assert main(argv) == 0
    metrics = json.loads((tmp_path / "cnv" / "metrics.json").read_text())
    assert (metrics["train_size"], metrics["test_size"]) == (20, 4)
    assert metrics["dataset_origin"] == str(tmp_path / "data" / "cifar-10-batches-py")
    assert "cifar10: 20 train / 4 test images of 3x32x32" in capsys.readouterr().err


def test_cache_dir_comes_from_the_environment():
    assert cache_dir({"HWNAS_CACHE": "/c"}) == Path("/c/datasets")
    assert cache_dir({"XDG_CACHE_HOME": "/x"}) == Path("/x/hwnas/datasets")
    assert cache_dir({}) == Path.home() / ".cache" / "hwnas" / "datasets"


@pytest.mark.slow
def test_sigkilled_run_resumes_from_its_last_checkpoint(tmp_path, spec):
    out = tmp_path / "run"
    command = [
        sys.executable, "-m", "hwnas.cli", "train", str(spec), "--dataset", "synthetic", "--epochs", "10",
        "--train-subset", "2048", "--batch-size", "16", "--out", str(out), "--threads", "1", "--no-progress",
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not (out / "train-state.pt").exists():
        assert process.poll() is None and time.monotonic() < deadline, process.stderr.read().decode()
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = json.loads((out / "metrics.json").read_text())
    done = len(partial["epochs"])
    assert 1 <= done < 10 and not (out / "model.pt").exists()

    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert "resuming" in finished.stderr and "after epoch" in finished.stderr
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["complete"] and [e["epoch"] for e in metrics["epochs"]] == list(range(1, 11))
    assert (out / "model.pt").is_file()


@pytest.mark.slow
@pytest.mark.skipif(not DEBIAN_FASHION.is_dir(), reason="Debian's dataset-fashion-mnist is not installed (make data)")
def test_tfc_learns_real_fashion_mnist(tmp_path, capsys):
    tfc = REPO / "examples" / "archs" / "tfc-w1a1.yaml"
    out = tmp_path / "tfc"
    argv = ["train", str(tfc), "--epochs", "2", "--train-subset", "10000", "--test-subset", "2000", "--out", str(out), "--threads", "1", "--no-progress"]
    assert main(argv) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["dataset"] == "fashion-mnist" and metrics["dataset_origin"] == str(DEBIAN_FASHION)
    assert metrics["epochs"][1]["train_loss"] < metrics["epochs"][0]["train_loss"]
    assert metrics["test_accuracy"] > 0.65  # ten classes: chance is 0.10


def test_train_a_residual_spec(tmp_path, capsys):
    spec = tmp_path / "res.yaml"
    spec.write_text(
        "name: tiny-res\ninput: {channels: 1, height: 8, width: 8, bits: 8}\nclasses: 3\nlayers:\n"
        "  - {conv: {out: 8, kernel: 3}, name: stem}\n"
        "  - {conv: {out: 8, kernel: 3, padding: 1}, name: body}\n"
        "  - {add: {bits: 4}, inputs: [stem, body]}\n"
        "  - {linear: {out: 3}}\n"
    )
    out = tmp_path / "run"
    argv = ["train", str(spec), "--dataset", "synthetic", "--epochs", "2", "--out", str(out), "--threads", "1", "--no-progress"]
    assert main(argv) == 0
    assert "tiny-res on synthetic: test accuracy" in capsys.readouterr().out
    assert json.loads((out / "metrics.json").read_text())["test_accuracy"] > 1 / 3
