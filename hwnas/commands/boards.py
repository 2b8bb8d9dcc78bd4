"""``hwnas boards``: list the boards hwnas knows."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "boards", help="list the known boards",
        description="List the boards hwnas knows: FPGA part, default clock and resources. --board takes one "
        "of these names, or the path of a YAML file of the same schema.",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from hwnas.board import known_boards, load_board
    from hwnas.report.table import format_table

    rows = []
    for name in known_boards():
        board = load_board(name)
        res = board.resources
        rows.append([board.name, board.part, f"{board.clock_mhz:g}", res.lut, res.ff, res.bram18, res.uram, res.dsp, board.family])
    print(format_table(["board", "part", "MHz", "LUT", "FF", "BRAM18", "URAM", "DSP", "family"], rows))
    return 0
