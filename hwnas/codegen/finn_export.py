"""``hwnas build --backend finn``: a folder for FINN's own build flow instead of hwnas's HLS.

It holds the QONNX model the lowering exported, the folding the lowering chose, and a finn-plus
``DataflowBuildConfig`` (as JSON, the keys of finn-plus 1.6) for the board, with a README command.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hwnas.codegen.plan import Plan, write_plan
from hwnas.errors import UserError

MODEL, FOLDING, CONFIG, OUTPUT_DIR = "model.qonnx.onnx", "folding_config.json", "build_config.json", "output"
FINN_VERSION = "1.6"
# DataflowOutputType values: reports, the stitched IP, the bitfile with FINN's PYNQ driver.
OUTPUTS = ("estimate_reports", "stitched_ip", "bitfile", "pynq_driver", "deployment_package")


def build_config(board) -> dict:
    return {
        "output_dir": OUTPUT_DIR,
        "synth_clk_period_ns": round(1000.0 / board.clock_mhz, 6),
        "board": board.finn_board,
        "fpga_part": board.part,
        "shell_flow_type": "vivado_zynq",
        "folding_config_file": FOLDING,
        "generate_outputs": list(OUTPUTS),
    }


def write_finn_project(run_dir: Path, *, board, out_dir: Path, design: str) -> list[Path]:
    """Copy the lowering's QONNX model and folding from ``run_dir``; write the build config."""
    from hwnas.codegen.overlay import render_flow

    sources = {MODEL: run_dir / "model.qonnx.onnx", FOLDING: run_dir / "folding_config.json"}
    missing = [str(p) for p in sources.values() if not p.is_file()]
    if missing:
        raise UserError(f"{run_dir} lacks {', '.join(missing)}; run `hwnas lower` (or give an ARCH.yaml)")
    context = dict(
        design=design, board=board.name, finn_board=board.finn_board, part=board.part,
        clock_mhz=f"{board.clock_mhz:g}", clock_period_ns=f"{1000.0 / board.clock_mhz:g}", model=MODEL,
        folding=FOLDING, config=CONFIG, output_dir=OUTPUT_DIR, finn_version=FINN_VERSION,
    )
    plan = Plan({
        CONFIG: json.dumps(build_config(board), indent=2) + "\n",
        FOLDING: sources[FOLDING].read_text(),
        "README.md": render_flow("finn/README.md.j2", context),
    })
    written = write_plan(plan, out_dir)
    shutil.copyfile(sources[MODEL], out_dir / MODEL)
    return [*written, out_dir / MODEL]
