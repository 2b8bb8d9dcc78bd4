"""Fast checks of the board project (no g++, no AMD tools): the Vitis HLS / Vivado scripts of every
board run in tclsh with stubbed AMD commands, with the right part, clock and files; the driver's
packing matches the HLS generator's own encoding."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hwnas.board import known_boards, load_board
from hwnas.codegen.generate import generate
from hwnas.codegen.overlay import driver_geometry, overlay_plan
from hwnas.codegen.plan import write_plan
from tests.codegen.amd_tcl import check_board_scripts, tclsh
from tests.codegen.finn_graphs import build_graph

needs_tclsh = pytest.mark.skipif(tclsh() is None, reason="tclsh not on PATH (Debian: apt-get install tcl)")


def _graph():
    steps = [("mvau", (16, 2, 4), {}), ("mvau", (4, 4, 2), {"activation": False}), ("label_select", (2,), {})]
    return build_graph((1, 32), "BINARY", steps, seed=5)


def _project(tmp_path, board_name):
    board = load_board(board_name)
    model = _graph()
    write_plan(generate(model, design="t", part=board.part, clock_mhz=board.clock_mhz, hls_include="/nowhere"), tmp_path / "p" / "hls")
    geometry = driver_geometry(model, design="t", board=board)
    write_plan(overlay_plan(board, geometry), tmp_path / "p")
    return board, tmp_path / "p", geometry


@needs_tclsh
@pytest.mark.parametrize("board_name", known_boards())
def test_flow_scripts_run_with_the_boards_part_clock_and_files(tmp_path, board_name):
    board, project, _ = _project(tmp_path, board_name)
    runs = check_board_scripts(project, tmp_path / "scratch", board)
    makefile = (project / "Makefile").read_text()
    assert "bitstream:" in makefile
    for script in ("scripts/export_ip.tcl", "scripts/bitstream.tcl", "scripts/block_design.tcl"):
        assert script in makefile and (project / script).is_file()
    assert runs["scripts/export_ip.tcl"]["calls"][-1] == ["exit"]
    readme = (project / "README.md").read_text()
    assert "2022.2 or newer" in readme and "make bitstream" in readme and "python3 run.py validate" in readme


@needs_tclsh
def test_tcl_check_catches_a_missing_source_and_a_wrong_ip_repository(tmp_path):
    board, project, _ = _project(tmp_path, "pynq-z2")
    (project / "hls" / "hwnas_top.cpp").unlink()
    with pytest.raises(AssertionError, match="hwnas_top.cpp"):
        check_board_scripts(project, tmp_path / "scratch1", board)
    board, project, _ = _project(tmp_path / "again", "pynq-z2")
    script = project / "scripts" / "bitstream.tcl"
    script.write_text(script.read_text().replace("build/hls_ip/solution1/impl/ip", "build/elsewhere"))
    with pytest.raises(AssertionError, match="not in build/elsewhere"):
        check_board_scripts(project, tmp_path / "scratch2", board)


def test_make_bitstream_runs_vitis_hls_then_vivado_on_the_generated_scripts(tmp_path):
    """`make -n`: the prerequisites all exist (make stops on a missing one) and the commands are
    the HLS export, then Vivado in batch mode."""
    import subprocess

    _, project, _ = _project(tmp_path, "kv260")
    result = subprocess.run(["make", "-n", "bitstream"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    commands = [line for line in result.stdout.splitlines() if line.startswith(("vitis_hls", "vivado"))]
    assert commands == [
        "vitis_hls -f scripts/export_ip.tcl",
        "vivado -mode batch -nojournal -log build/vivado.log -source scripts/bitstream.tcl",
    ]


def test_driver_packs_what_the_hls_generator_encodes(tmp_path):
    """The driver's bytes, read back as stream words, give the element codes the C-simulation's
    text input holds for the same images."""
    import sys

    board, project, geometry = _project(tmp_path, "zcu104")
    sys.path.insert(0, str(project / "driver"))
    try:
        import hwnas_driver
    finally:
        sys.path.pop(0)
    raw = np.random.default_rng(0).integers(0, 256, size=(5, 32), dtype=np.uint8)
    packed = hwnas_driver.Geometry(geometry).pack(raw)
    inp = geometry["input"]
    assert packed.shape == (5, inp["words_per_image"] * inp["dma_word_bits"] // 8)
    words = packed.reshape(5, inp["words_per_image"], -1)
    bits = np.unpackbits(words, axis=-1, bitorder="little")
    assert not bits[..., inp["word_bits"]:].any()  # padding stays zero
    codes = bits[..., : inp["word_bits"]].reshape(5, -1)
    assert (codes == (raw >= 128)).all()
    out = hwnas_driver.Geometry(geometry).unpack(np.array([[3], [9], [0]], dtype=np.uint8))
    assert out.tolist() == [3, 9, 0]
    assert json.loads((project / "driver" / "accelerator.json").read_text()) == geometry
