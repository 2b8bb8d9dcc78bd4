"""``hwnas search``: the most accurate binary network a board runs at a frame rate."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "search",
        help="search, train and lower the most accurate network that meets --fps on --board",
        description="Hardware-constrained binary architecture search. Re-running the same command resumes.",
    )
    parser.add_argument("--board", required=True, help="board name (see `hwnas boards`) or board YAML file")
    parser.add_argument("--fps", required=True, type=float, help="frames per second the design must reach")
    parser.add_argument(
        "--dataset", default="fashion-mnist",
        help="fashion-mnist (default), mnist, cifar10, svhn, synthetic, or your own data: a folder of class "
        "sub-folders of images (optionally train/ and test/) or an .npz with images and labels",
    )
    parser.add_argument("--resize", metavar="HxW", help="resize your own images to HEIGHTxWIDTH (needed when their sizes differ)")
    parser.add_argument(
        "--budget", default="quick", choices=("quick", "standard", "full"),
        help="how much work: quick (minutes on a laptop CPU, the default), standard (all images, longer "
        "training), full (for a GPU); the report states what each did",
    )
    parser.add_argument(
        "--space", default="auto", choices=("auto", "mlp", "conv", "cell"),
        help="architectures to search: mlp, conv (chains of convs), cell (BNAS/BARS cells: adds, skips, concats), "
        "or auto (default: mlp for single-channel images, conv otherwise)",
    )
    parser.add_argument(
        "--strategy", default="evolution", choices=("evolution", "differentiable"),
        help="evolution (default: weight-sharing supernet and NSGA-II) or differentiable (DARTS over the cell space "
        "with a hardware cost term, the derived network trained from scratch)",
    )
    parser.add_argument(
        "--cell-ops", metavar="OP,OP", help="the cell space's edge ops, both strategies (default all: "
        "zeroise,skip,dilconv3,conv3); e.g. skip,dilconv3,conv3 disables Zeroise",
    )
    darts = parser.add_argument_group("differentiable strategy")
    darts.add_argument("--stage-widths", metavar="W,W", help="the cell network's width per stage (default: the largest of "
                       "the budget's choices that fits the board at --fps)")
    darts.add_argument("--stage-cells", metavar="N,N", help="cells per stage (default: 1 each)")
    darts.add_argument("--max-skips", type=int, default=None,
                       help="at most this many skips per derived cell (BARS; default 1, -1: no cap)")
    darts.add_argument("--no-temperature-schedule", action="store_true",
                       help="keep the op softmax at temperature 1 instead of annealing it (BATS)")
    darts.add_argument("--no-diversity", action="store_true",
                       help="no early entropy reward on the op weights (BNAS's diversity)")
    parser.add_argument("--out", type=Path, default=None, help="run folder (default runs/search-<dataset>-<board>-<fps>)")
    parser.add_argument("--clock-mhz", type=float, default=None, help="override the board's default clock")
    parser.add_argument("--seed", type=int, default=0, help="seed for data subsets, supernet, sampler and training (default: 0)")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--threads", type=int, default=None,
                        help="CPU threads for torch (default: torch's, all cores); 1 is often faster on a busy machine")
    parser.add_argument("--data-dir", type=Path, default=None, help="folder holding the dataset's files")
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="supernets, references and downloads (default $HWNAS_CACHE or ~/.cache/hwnas)")
    parser.add_argument(
        "--storage", metavar="URL",
        help="Optuna storage URL of the study (default: SQLite in the run folder); workers started with the same "
        "arguments and the same URL (e.g. postgresql+psycopg://user@host/db) share one search",
    )
    parser.add_argument(
        "--artifacts", type=Path, metavar="DIR",
        help="folder of the artifact store through which workers pass models (default: the run folder's artifacts/; "
        "with --storage, one every worker on this machine finds: beside an SQLite database, else in the cache); "
        "workers on several machines need the same shared folder",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from hwnas.board import load_board
    from hwnas.errors import UserError
    from hwnas.search.budget import get_budget
    from hwnas.search.cells import parse_cell_ops
    from hwnas.search.run import SearchSettings, search

    if not args.fps > 0:
        raise UserError(f"--fps must be positive, got {args.fps:g}")
    cell_ops = parse_cell_ops(args.cell_ops) if args.cell_ops is not None else None
    board = load_board(args.board, clock_mhz=args.clock_mhz)
    cache = args.cache_dir or Path(os.environ.get("HWNAS_CACHE", Path.home() / ".cache" / "hwnas"))
    from hwnas.data.own import resize_arg

    out = args.out or Path("runs") / f"search-{Path(args.dataset).stem}-{board.name}-{args.fps:g}fps"
    settings = SearchSettings(
        dataset=args.dataset, board=board, fps=args.fps, budget=get_budget(args.budget), out_dir=out,
        cache_dir=cache, seed=args.seed, space=args.space, device=args.device, threads=args.threads, data_dir=args.data_dir,
        progress=not args.no_progress, resize=resize_arg(args.resize), storage=args.storage, artifacts=args.artifacts,
        strategy=args.strategy, cell_ops=cell_ops, differentiable=_darts_options(args) if args.strategy == "differentiable" else None,
    )
    outcome = search(settings)
    best = outcome.best
    import json

    from hwnas.report.estimate_report import format_text

    estimates = outcome.out_dir / "best" / "estimates.json"
    if estimates.is_file():  # on the worker that lowered the chosen network
        print()
        print(format_text(json.loads(estimates.read_text())))
    print()
    print(
        f"best: {best.arch.name} test accuracy {best.test_accuracy:.2%}, {best.lut:,} LUT, {best.bram18} BRAM18, "
        f"{best.fps:,.0f} fps on {board.name} -> {outcome.out_dir / 'best'}"
    )
    for ref in outcome.references:
        fit = "fits" if ref.fits else "does not fit"
        print(f"reference {ref.arch.name}: test accuracy {ref.test_accuracy:.2%}, {ref.lut:,} LUT, {ref.bram18} BRAM18 ({fit})")
    for ref, found in outcome.matched:
        print(f"within {ref.arch.name}'s {ref.lut:,} LUT: {found.arch.name} test accuracy {found.test_accuracy:.2%}, "
              f"{found.lut:,} LUT, {found.bram18} BRAM18 (reference {ref.test_accuracy:.2%})")
    return 0


def _darts_options(args: argparse.Namespace):
    from hwnas.errors import UserError
    from hwnas.search.differentiable import DartsOptions

    def numbers(text: str | None, flag: str) -> tuple[int, ...] | None:
        if text is None:
            return None
        try:
            values = tuple(int(v) for v in text.split(","))
        except ValueError:
            raise UserError(f"{flag} takes comma-separated whole numbers, got {text!r}") from None
        if not values or min(values) < 1:
            raise UserError(f"{flag} takes positive numbers, got {text!r}")
        return values

    skips = {}
    if args.max_skips is not None:
        if args.max_skips < -1:
            raise UserError(f"--max-skips must be -1 (no cap) or at least 0, got {args.max_skips}")
        skips["max_skips"] = None if args.max_skips == -1 else args.max_skips
    return DartsOptions(
        stage_widths=numbers(args.stage_widths, "--stage-widths"), stage_cells=numbers(args.stage_cells, "--stage-cells"),
        anneal_temperature=not args.no_temperature_schedule, diversity=not args.no_diversity, **skips,
    )
