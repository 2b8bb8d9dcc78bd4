"""The RTL backend's board project: its Vivado script runs in tclsh (AMD commands stubbed, as for the
HLS project) with the board's part, adds every RTL source and table that exists and nothing that does
not, and puts the top module in the block design on the ports the DMA connects; the design synthesizes
in Yosys with every node accounted for."""

from __future__ import annotations

import json
import subprocess

import pytest

from hwnas.board import load_board
from hwnas.codegen.overlay import driver_geometry, overlay_plan
from hwnas.codegen.plan import write_plan
from hwnas.rtl.generate import TOP, generate_rtl
from tests.codegen.amd_tcl import STUBS, calls, option, tclsh
from tests.codegen.test_codegen_csim import MLP_FOLDINGS, _mlp

needs_tclsh = pytest.mark.skipif(tclsh() is None, reason="tclsh is not installed")


def _project(tmp_path, board_name):
    board = load_board(board_name)
    model = _mlp(MLP_FOLDINGS["uneven"])
    write_plan(generate_rtl(model, design="t"), tmp_path / "p" / "rtl")
    write_plan(overlay_plan(board, driver_geometry(model, design="t", board=board), rtl=True), tmp_path / "p")
    return board, tmp_path / "p"


def _run_bitstream_script(project, scratch):
    out = scratch / "calls.json"
    scratch.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([tclsh(), str(STUBS), str(out), "scripts/bitstream.tcl"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    (run,) = json.loads(out.read_text())
    return run


@needs_tclsh
@pytest.mark.parametrize("board_name", ["pynq-z2", "zcu104"])
def test_vivado_script_adds_the_rtl_and_references_the_top(tmp_path, board_name):
    board, project = _project(tmp_path, board_name)
    assert not (project / "scripts" / "export_ip.tcl").exists() and not (project / "hls").exists()
    run = _run_bitstream_script(project, tmp_path / "scratch")
    assert run["missing"] == []
    assert option(calls(run, "create_project")[0], "-part") == board.part
    added = {p for args in calls(run, "add_files") for p in args if not p.startswith("-")}
    sources = (project / "rtl" / "sources.f").read_text().split()
    assert {str((project / "rtl" / s).resolve()) for s in sources} <= {str(p) for a in added for p in a.split()}
    tables = sorted(p.name for p in (project / "rtl").glob("*.mem"))
    assert tables and all(any(a.endswith(t) for a in " ".join(added).split()) for t in tables)
    # no HLS IP: the accelerator is the RTL top, as a module reference
    assert calls(run, "update_ip_catalog") == []
    references = [args for args in calls(run, "create_bd_cell") if "-reference" in args]
    assert [option(args, "-reference") for args in references] == [TOP]
    top = (project / "rtl" / f"{TOP}.v").read_text()
    for args in calls(run, "connect_bd_intf_net"):
        for pin in args:
            cell, port = pin.split("/")
            if cell == "accelerator":
                assert f"{port}_tdata" in top
    makefile = (project / "Makefile").read_text()
    assert "rtl/sources.f" in makefile and "hls-ip" not in makefile
    assert "no HLS step" in (project / "README.md").read_text()


@needs_tclsh
def test_vivado_script_check_catches_a_missing_rtl_source(tmp_path):
    _, project = _project(tmp_path, "pynq-z2")
    (project / "rtl" / "layers" / "layer0_mvau.sv").unlink()
    run = _run_bitstream_script(project, tmp_path / "scratch")
    assert any(p.endswith("layer0_mvau.sv") for p in run["missing"])


@pytest.mark.slow
def test_yosys_counts_every_node_of_the_design(tmp_path):
    from hwnas.rtl.synth import synthesize_design, table

    board, project = _project(tmp_path, "pynq-z2")
    result = synthesize_design(project / "rtl", design="t", board=board, estimates=None, top=TOP)
    nodes = json.loads((project / "rtl" / "nodes.json").read_text())
    assert [n["name"] for n in result.nodes] == [n["name"] for n in nodes]
    mvaus = [n for n in result.nodes if n["kind"] == "mvau"]
    assert len(mvaus) == 4 and all(n["yosys"]["lut"] > 0 and n["yosys"]["ff"] > 0 for n in mvaus)
    summed = sum(n["yosys"]["lut"] for n in result.nodes)
    # the top adds only its control logic around the nodes
    assert summed <= result.total.lut <= summed + 200
    assert "total (hwnas_top)" in table(result)
