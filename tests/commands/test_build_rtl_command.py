"""``hwnas build --backend rtl`` through the real command line: the trained TFC's RTL simulated in
Verilator against the Brevitas model and the HLS C-simulation, synthesized by Yosys, reported in
rtl_report.html (looked at in headless Chromium where it is installed)."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import needs_fashion_mnist, run_cli
from tests.report.chromium import colour_pixels, needs_chromium, open_page

IMAGES = 30


@pytest.mark.slow
@needs_fashion_mnist
def test_rtl_build_simulates_and_synthesizes_the_trained_tfc(trained_tfc_at_fps, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(trained_tfc_at_fps.out_dir, run)
    out = tmp_path / "out"
    result = run_cli("build", str(run), "--board", "pynq-z2", "--out", str(out), "--backend", "rtl",
                     "--rtlsim", str(IMAGES), "--csim", str(IMAGES), "--synth")
    assert result.returncode == 0, result.stderr + result.stdout
    assert f"classes agree with the Brevitas model on {IMAGES}/{IMAGES}" in result.stdout
    assert f"classes agree with the C-simulation on {IMAGES}/{IMAGES}" in result.stdout
    assert "total (hwnas_top)" in result.stdout

    rtlsim = json.loads((out / "rtlsim.json").read_text())
    assert rtlsim["deadlock"] is False and rtlsim["fifo_overflow"] == []
    assert rtlsim["cycles_ratio"] == pytest.approx(1.0, abs=0.05)
    estimates = json.loads((run / "finn_estimates.json").read_text())
    assert rtlsim["estimated_cycles_per_frame"] == estimates["bottleneck"]["cycles_per_frame"]

    synthesis = json.loads((out / "synthesis.json").read_text())
    mvaus = [n for n in synthesis["nodes"] if n["kind"] == "mvau"]
    assert len(mvaus) == 4 and all(n["estimate"]["lut"] > 0 and n["yosys"]["lut"] > 0 for n in mvaus)
    assert synthesis["estimate_total"]["lut"] == estimates["total"]["lut"]
    html = (out / "rtl_report.html").read_text()
    assert "Verilator" in html and "synth_xilinx -family xc7" in html and "layer0_mvau" in html
    assert (out / "rtl" / "hwnas_top.v").is_file() and (out / "scripts" / "bitstream.tcl").is_file()


@pytest.mark.slow
@needs_chromium
def test_rtl_report_reads_in_a_browser(tmp_path):
    """A report from a small generated design, opened as a person would."""
    from hwnas.board import load_board
    from hwnas.codegen.plan import write_plan
    from hwnas.rtl.generate import generate_rtl
    from hwnas.rtl.project import write_report
    from hwnas.rtl.rtlsim import simulate_rtl
    from tests.codegen.finn_graphs import finn_classes, random_inputs
    from tests.codegen.test_codegen_csim import MLP_FOLDINGS, _mlp

    import numpy as np

    model = _mlp(MLP_FOLDINGS["uneven"])
    inputs = random_inputs(np.random.default_rng(0), model, 5)
    write_plan(generate_rtl(model, design="mlp"), tmp_path / "rtl")
    result = simulate_rtl(tmp_path / "rtl", model, inputs, design="mlp", build_dir=tmp_path / "build",
                          estimated_cycles=None, references={"FINN": finn_classes(model, inputs)})
    page = write_report(tmp_path / "rtl_report.html", design="mlp", board=load_board("pynq-z2"), rtlsim=result, synthesis=None)
    assert "classes agree with FINN on 5/5" in page.read_text()
    png = tmp_path / "rtl_report.png"
    assert open_page(page, png, height=900) == []
    # the verdicts that hold are drawn in the report's green (#262), none in its red (#b22)
    assert colour_pixels(png, (0x22, 0x66, 0x22), tolerance=30) > 200
    assert colour_pixels(png, (0xBB, 0x22, 0x22), tolerance=30) == 0
