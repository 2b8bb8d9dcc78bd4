"""``hwnas estimate``: cost of an architecture on a board, with the folding hwnas chooses or one given."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "estimate",
        help="estimate cycles, fps and resources of an architecture on a board",
        description="Estimate an architecture on a board with FINN's cost formulas. With --fps, hwnas "
        "chooses the cheapest folding that reaches that frame rate; with --folding, it uses a FINN "
        "folding_config.json.",
    )
    parser.add_argument("arch", metavar="ARCH", help="architecture spec (YAML)")
    parser.add_argument("--board", required=True, help="board name (see `hwnas boards`) or board YAML file")
    parser.add_argument("--fps", type=float, help="target frames per second; hwnas chooses the folding")
    parser.add_argument("--folding", help="FINN folding_config.json to estimate instead of choosing one")
    parser.add_argument("--clock-mhz", type=float, help="clock frequency (default: the board's)")
    parser.add_argument("--json", action="store_true", help="print the estimate as JSON")
    parser.add_argument("--out", help="folder for estimates.json, folding_config.json, report.md and report.html")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json

    from hwnas.arch.spec import load_arch
    from hwnas.board import load_board
    from hwnas.cost import estimate, hardware_nodes, plan_folding, read_finn_config
    from hwnas.errors import UserError
    from hwnas.report.estimate_report import estimate_dict, format_text, render_html, render_markdown, speed_cost
    from hwnas.userfiles import write_files

    if (args.fps is None) == (args.folding is None):
        raise UserError("give exactly one of --fps (hwnas chooses the folding) or --folding CONFIG.json")
    arch = load_arch(args.arch)
    board = load_board(args.board, clock_mhz=args.clock_mhz)
    hw_nodes = hardware_nodes(arch)
    if args.fps is not None:
        plan = plan_folding(arch, board, fps=args.fps)
        folding, result = plan.folding, plan.estimate
    else:
        folding = read_finn_config(args.folding, hw_nodes)
        result = estimate(arch, folding, board)
    data = estimate_dict(result, board, target_fps=args.fps)
    if args.out:
        write_files(args.out, {
            "estimates.json": json.dumps(data, indent=2) + "\n",
            "folding_config.json": json.dumps(folding.to_finn_config(hw_nodes), indent=2) + "\n",
            "report.md": render_markdown(data),
            "report.html": render_html(data, speed_cost=speed_cost(arch, board)),
        }, what="--out folder")
    print(json.dumps(data, indent=2) if args.json else format_text(data))
    if args.out:
        print(f"\nwrote estimates.json, folding_config.json, report.md and report.html to {args.out}")
    if not result.fits:
        raise UserError(f"{arch.name} with this folding does not fit {board.name}; see the utilisation above")
    return 0
