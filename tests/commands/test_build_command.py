"""``hwnas build`` through the real command line, from a run folder of ``hwnas.lower``."""

from __future__ import annotations

import json
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


TINY = "name: tiny\ninput: {features: 64, bits: 1}\nclasses: 4\nlayers:\n  - linear: {out: 16}\n  - linear: {out: 4}\n"


@pytest.mark.slow
def test_build_of_a_run_folder_keeps_its_clock_and_part(tmp_path):
    """A run folder lowered at --clock-mhz 150 builds at 150 MHz (its folding meets the rate only
    there) unless --clock-mhz says otherwise; building it for another part is refused."""

    (tmp_path / "tiny.yaml").write_text(TINY)
    run = tmp_path / "run"
    lowered = run_cli("lower", str(tmp_path / "tiny.yaml"), "--board", "pynq-z2", "--fps", "200000",
                      "--clock-mhz", "150", "--out", str(run))
    assert lowered.returncode == 0, lowered.stderr

    result = run_cli("build", str(run), "--board", "pynq-z2", "--out", str(tmp_path / "kept"))
    assert result.returncode == 0, result.stderr
    assert "clock: 150 MHz" in result.stdout
    geometry = json.loads(next((tmp_path / "kept").rglob("accelerator.json")).read_text())
    assert geometry["clock_mhz"] == 150
    assert "6.66667" in (tmp_path / "kept" / "hls" / "csynth.tcl").read_text()

    result = run_cli("build", str(run), "--board", "pynq-z2", "--clock-mhz", "100", "--out", str(tmp_path / "given"))
    assert result.returncode == 0, result.stderr
    assert json.loads(next((tmp_path / "given").rglob("accelerator.json")).read_text())["clock_mhz"] == 100

    result = run_cli("build", str(run), "--board", "zcu104", "--out", str(tmp_path / "other"))
    assert result.returncode == 2
    assert "was lowered for the part xc7z020clg400-1" in result.stderr


@pytest.mark.slow
def test_build_of_a_spec_without_checkpoint_says_in_one_line_that_the_weights_are_random(tmp_path):
    (tmp_path / "tiny.yaml").write_text(TINY)
    result = run_cli("build", str(tmp_path / "tiny.yaml"), "--board", "pynq-z2", "--fps", "200000",
                     "--backend", "finn", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "--checkpoint" in line]
    assert len(notes) == 1 and "weights are random" in notes[0], result.stderr


@pytest.mark.slow
def test_make_csim_works_in_a_copy_of_a_project_built_without_csim(tmp_path):
    """(With --simulate: simulation.json and the printed verdict.) Without --csim the project still
    carries test vectors: `make csim` in a copy of the folder
    compiles and checks them against the model's classes (from the spec and model.pt), or, for a
    run folder without its model, against FINN's execution of random graph inputs."""
    (tmp_path / "tiny.yaml").write_text(TINY)
    out = tmp_path / "out"
    result = run_cli("build", str(tmp_path / "tiny.yaml"), "--board", "pynq-z2", "--fps", "100000", "--out", str(out),
                     "--simulate", "4")
    assert result.returncode == 0, result.stderr
    assert not (out / "hls" / "build").exists()
    # --simulate: a verdict line, the per-node table and simulation.json
    simulation = json.loads((out / "simulation.json").read_text())
    assert simulation["deadlock"] is False and simulation["frames"] == 4
    assert simulation["cycles_per_frame"] == simulation["estimated_cycles_per_frame"]
    assert simulation["first_frame_latency_cycles"] > simulation["cycles_per_frame"]
    assert all(f["peak"] <= f["depth"] for f in simulation["fifos"])
    assert "simulation: OK: no deadlock in 4 frames" in result.stdout
    assert "layer0_mvau" in result.stdout and "starved" in result.stdout

    moved = tmp_path / "elsewhere" / "copy"
    shutil.copytree(out, moved, ignore=shutil.ignore_patterns("lower"))
    made = subprocess.run(["make", "csim"], cwd=moved, capture_output=True, text=True)
    assert made.returncode == 0, made.stdout + made.stderr
    assert "csim: 10/10 predictions agree with the expected classes" in made.stdout

    bare = tmp_path / "bare"
    shutil.copytree(out / "lower", bare)
    (bare / "model.pt").unlink()
    result = run_cli("build", str(bare), "--board", "pynq-z2", "--out", str(tmp_path / "bare-out"))
    assert result.returncode == 0, result.stderr
    made = subprocess.run(["make", "csim"], cwd=tmp_path / "bare-out", capture_output=True, text=True)
    assert made.returncode == 0, made.stdout + made.stderr
    assert "csim: 10/10 predictions agree with the expected classes" in made.stdout
