"""Run generated Vitis HLS / Vivado scripts in real tclsh with the AMD commands stubbed
(tcl/amd_stubs.tcl), and read what they asked the tools to do."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

STUBS = Path(__file__).resolve().parent / "tcl" / "amd_stubs.tcl"
# the order `make bitstream` runs them in
FLOW_SCRIPTS = ("scripts/export_ip.tcl", "scripts/bitstream.tcl")


def tclsh() -> str | None:
    return shutil.which("tclsh")


def run_flow_scripts(project: Path, scratch: Path) -> dict[str, dict]:
    """Source the project's scripts in a copy of it (they create files); returns, per script, its
    AMD calls and the files it handed to the tools that did not exist."""
    copy = scratch / project.name
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("build"))
    out = scratch / "calls.json"
    result = subprocess.run(
        [tclsh(), str(STUBS), str(out), *FLOW_SCRIPTS], cwd=copy, capture_output=True, text=True
    )
    assert result.returncode == 0, f"tclsh failed:\n{result.stdout}\n{result.stderr}"
    runs = json.loads(out.read_text())
    return {Path(r["script"]).relative_to(copy.resolve()).as_posix(): dict(r, copy=copy) for r in runs}


def calls(run: dict, command: str) -> list[list[str]]:
    return [call[1:] for call in run["calls"] if call[0] == command]


def option(args: list[str], flag: str) -> str:
    return args[args.index(flag) + 1]


def properties(run: dict, cell: str) -> dict[str, str]:
    """CONFIG.* values set with set_property -dict [list ...] on ``cell``."""
    props = {}
    for args in calls(run, "set_property"):
        if args[0] == "-dict" and args[-1] == cell:
            items = args[1].split()
            props.update(zip(items[::2], items[1::2]))
    return props


def check_board_scripts(project: Path, scratch: Path, board) -> dict[str, dict]:
    """The checks every generated project must pass for ``board``; returns the runs for more."""
    runs = run_flow_scripts(project, scratch)
    hls, vivado = runs["scripts/export_ip.tcl"], runs["scripts/bitstream.tcl"]
    assert hls["missing"] == [] and vivado["missing"] == [], (hls["missing"], vivado["missing"])
    geometry = json.loads((project / "driver" / "accelerator.json").read_text())

    # part and clock equal the board YAML's, in both tools
    assert calls(hls, "set_part") == [[board.part]]
    period = float(option(calls(hls, "create_clock")[0], "-period"))
    assert abs(period - 1000.0 / board.clock_mhz) < 1e-9
    assert option(calls(vivado, "create_project")[0], "-part") == board.part
    assert ["board_part", board.vivado_board_part, "project"] in calls(vivado, "set_property")
    ps = properties(vivado, "ps")
    if board.family == "zynq-7000":
        assert calls(vivado, "create_bd_cell")[0][-2] == "xilinx.com:ip:processing_system7:1.0"
        clock, hp_width = ps["CONFIG.PCW_FPGA0_PERIPHERAL_FREQMHZ"], ps["CONFIG.PCW_S_AXI_HP0_DATA_WIDTH"]
    else:
        assert calls(vivado, "create_bd_cell")[0][-2] == "xilinx.com:ip:zynq_ultra_ps_e:1.0"
        clock, hp_width = ps["CONFIG.PSU__CRL_APB__PL0_REF_CTRL__FREQMHZ"], ps["CONFIG.PSU__SAXIGP2__DATA_WIDTH"]
    assert float(clock) == board.clock_mhz and int(hp_width) == board.axi_data_width

    # the DMA carries the words the driver packs, into the ports the HLS top declares
    dma = properties(vivado, "dma")
    assert int(dma["CONFIG.c_m_axis_mm2s_tdata_width"]) == geometry["input"]["dma_word_bits"]
    assert int(dma["CONFIG.c_s_axis_s2mm_tdata_width"]) == geometry["output"]["dma_word_bits"]
    cells = {args[-1] for args in calls(vivado, "create_bd_cell")}
    assert {geometry["ip"]["accelerator"], geometry["ip"]["dma"]} <= cells
    top = (project / "hls" / "hwnas_top.cpp").read_text()
    for args in calls(vivado, "connect_bd_intf_net"):
        for pin in args:
            cell, port = pin.split("/")
            if cell == geometry["ip"]["accelerator"]:
                assert f"#pragma HLS INTERFACE axis port = {port}" in top

    # the overlay lands beside the driver under the names it loads
    copy = hls["copy"]
    bitfile = copy / "driver" / geometry["bitfile"]
    assert bitfile.is_file() and bitfile.with_suffix(".hwh").is_file()
    return runs
