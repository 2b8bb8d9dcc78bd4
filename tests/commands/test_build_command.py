"""``hwnas build`` through the real command line, from a run folder of ``hwnas.lower``."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import needs_fashion_mnist, run_cli

IMAGES = 100


@pytest.mark.slow
@needs_fashion_mnist
def test_build_from_a_lowering_at_target_fps_is_self_contained(trained_tfc_at_fps, tmp_path):
    """The trained TFC lowered at hwnas's optimiser folding, then `hwnas build RUN_DIR --csim`; the
    generated project, copied elsewhere with the run folder gone, still passes `make csim`."""
    run = tmp_path / "run"
    shutil.copytree(trained_tfc_at_fps.out_dir, run)
    out = tmp_path / "out"
    result = run_cli("build", str(run), "--board", "pynq-z2", "--out", str(out), "--csim", str(IMAGES))
    assert result.returncode == 0, result.stderr
    assert f"agrees with FINN's execution of dataflow.onnx on {IMAGES}/{IMAGES}" in result.stdout
    assert f"agrees with the Brevitas model on {IMAGES}/{IMAGES}" in result.stdout
    assert (out / "hls" / "csynth.tcl").is_file()

    moved = tmp_path / "elsewhere" / "copy"
    shutil.copytree(out / "hls", moved, ignore=shutil.ignore_patterns("build"))
    shutil.rmtree(out)
    shutil.rmtree(run)
    result = subprocess.run(["make", "csim"], cwd=moved, capture_output=True, text=True, check=True)
    assert f"csim: {IMAGES}/{IMAGES} predictions agree" in result.stdout
