"""``hwnas lower``: spec + board -> QONNX -> folded FINN dataflow graph, with FINN's estimates."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "lower",
        help="lower a spec to FINN's folded dataflow graph and print FINN's estimates",
        description="Build the Brevitas model of ARCH, export it to QONNX and lower it with FINN's "
        "transformations to a folded graph of hardware layers for the board.",
    )
    parser.add_argument("arch", type=Path, metavar="ARCH", help="architecture spec (YAML)")
    parser.add_argument("--board", required=True, help="board name (see `hwnas boards`) or board YAML file")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--fps", type=float, help="target frames per second (hwnas's optimiser chooses the cheapest folding that fits the board)")
    target.add_argument("--folding", type=Path, metavar="FILE", help="FINN folding_config JSON")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    parser.add_argument("--checkpoint", type=Path, help="trained weights (hwnas checkpoint); default: "
                        "fresh weights with BatchNorm calibrated on random data")
    parser.add_argument("--clock-mhz", type=float, help="clock to estimate fps at (default: the board's)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from hwnas.arch.spec import load_arch
    from hwnas.board import load_board
    from hwnas.lower import lower
    from hwnas.lower.quiet import library_output_to

    arch = load_arch(args.arch)
    board = load_board(args.board, clock_mhz=args.clock_mhz)

    def progress(name: str, seconds: float) -> None:
        print(f"  {name:<26} {seconds:7.2f} s", file=sys.stderr, flush=True)

    with library_output_to(args.out / "lower.log"):
        print(f"lowering {arch.name} for {board.name} into {args.out} (library output: lower.log)", file=sys.stderr)
        result = lower(arch, board, out_dir=args.out, folding=args.folding, fps=args.fps,
                       checkpoint=args.checkpoint, on_step=progress)
    from hwnas.report.lower_report import render_lower_html
    from hwnas.userfiles import write_files

    write_files(args.out, {"report.html": render_lower_html(result, board, arch_name=arch.name, target_fps=args.fps)})
    print(summary(result))
    return 0


def summary(result) -> str:
    import json

    from hwnas.report.table import format_table

    est = result.estimates
    folding = json.loads(result.folding_path.read_text())
    rows = [
        [n.name, folding.get(n.name, {}).get("PE", "-"), folding.get(n.name, {}).get("SIMD", "-"),
         n.cycles, round(n.lut), n.bram18, n.uram, n.dsp]
        for n in est.nodes
    ]
    table = format_table(["node", "PE", "SIMD", "cycles", "LUT", "BRAM18", "URAM", "DSP"], rows)
    return "\n".join([
        table,
        f"total: {est.total('lut'):,.0f} LUT, {est.total('bram18'):,.1f} BRAM18, {est.total('uram'):,.1f} URAM, "
        f"{est.total('dsp'):,.0f} DSP",
        f"bottleneck: {est.bottleneck.name} at {est.cycles_per_frame:,} cycles per frame "
        f"-> {est.fps:,.0f} fps at {est.clock_mhz:g} MHz",
        f"wrote {result.qonnx_path.name}, {result.dataflow_path.name}, {result.folding_path.name}, "
        f"{result.estimates_path.name} and report.html in {result.out_dir}",
    ])
