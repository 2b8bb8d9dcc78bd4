"""The BNAS-style ablation of the differentiable cell search: every network trained the same way.

Given the run folders of three ``hwnas search --strategy differentiable`` runs (same board, frame
rate, budget and seed):

  (a) ``--full``: the default search;
  (b) derived here: (a)'s genotype with every skip edge turned into Zeroise, decoded with
      ``SearchSpace.decode``;
  (c) ``--no-zeroise``: the search run with ``--cell-ops skip,dilconv3,conv3``;
  (d) ``--no-terms``: the search run with ``--no-temperature-schedule --no-diversity``,

each network is trained from scratch with one recipe: ``hwnas.search.final.train_candidate``, the
training of a differentiable search's derived network (``hwnas train``'s defaults: lr 0.01, batch
128, the runs' seed), ``--epochs`` epochs on the
runs' budget's training images (the seeded ``search_split``), tested on the whole test split. LUT,
BRAM18 and fps are the cost model's at the runs' target (``judge``: the folding optimiser, as
``hwnas estimate --fps``). Prints a markdown table.

Each network trains into ``--out/<label>`` and resumes there. With ``--reuse-search-training`` a
search's own training of its derived network (the same function, settings and epochs) is copied
in instead of training it again; a copy trained otherwise is refused by the training's own check.

    PYTHONPATH=. python benchmarks/ablation_cells.py --full runs/darts --no-zeroise runs/darts-nozero \\
        --no-terms runs/darts-noterms --out runs/ablation-cells --threads 1
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
from pathlib import Path

from hwnas.arch.spec import Arch, ImageInput, load_arch
from hwnas.board import load_board
from hwnas.data import Locations, load_dataset
from hwnas.search.budget import get_budget
from hwnas.search.cells import CellSpace
from hwnas.search.final import train_candidate
from hwnas.search.inputs import search_split
from hwnas.search.settings import SearchSettings
from hwnas.search.space import SearchSpace
from hwnas.search.study import judge

SAME = ("dataset", "board", "clock_mhz", "fps", "budget", "seed")


def without_skips(point: dict) -> dict:
    """``point`` with every skip edge of its cells made Zeroise (BNAS's "without skips")."""
    return {k: ("zeroise" if k.endswith("_op") and v == "skip" else v) for k, v in point.items()}


def run_settings(run: Path) -> dict:
    """A search's settings: its summary's, or (while it still lowers) those its search state recorded."""
    if (run / "summary.json").is_file():
        return json.loads((run / "summary.json").read_text())["settings"]
    import torch

    return torch.load(run / "darts" / "state.pt", map_location="cpu", weights_only=False)["identity"]


def trained_by_search(run: Path | None) -> Path | None:
    """The search's own finished training of its derived network, if there is one."""
    if run is None or not (run / "derived" / "metrics.json").is_file():
        return None
    return run / "derived" if json.loads((run / "derived" / "metrics.json").read_text()).get("complete") else None


def count(arch: Arch, kind: str) -> int:
    return sum(type(layer).__name__.lower() == kind for layer in arch.layers)


def cells_line(point: dict) -> str:
    cells = []
    for t in ("normal", "reduce"):
        nodes, i = [], 0
        while f"{t}_n{i}_e0_op" in point:
            edges = [f"{point[f'{t}_n{i}_e{e}_op']}({point[f'{t}_n{i}_e{e}_in']})" for e in range(2)
                     if f"{t}_n{i}_e{e}_op" in point and point[f"{t}_n{i}_e{e}_op"] != "zeroise"]
            nodes.append("+".join(edges) or "-")
            i += 1
        if nodes:
            cells.append(f"{t}: " + ", ".join(nodes))
    return "; ".join(cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", type=Path, required=True, help="run folder of the default differentiable search")
    parser.add_argument("--no-zeroise", type=Path, help="run folder of the search with --cell-ops skip,dilconv3,conv3 "
                        "(row (c); left out without it)")
    parser.add_argument("--no-terms", type=Path,
                        help="run folder of the search with --no-temperature-schedule --no-diversity (row (d); left out without it)")
    parser.add_argument("--out", type=Path, default=Path("runs/ablation-cells"))
    parser.add_argument("--epochs", type=int, default=None, help="training epochs (default: the runs' budget's final epochs)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--reuse-search-training", action="store_true",
                        help="start from each search's own training of its derived network (same recipe)")
    args = parser.parse_args()

    runs = {label: run for label, run in (("full", args.full), ("no-zeroise", args.no_zeroise), ("no-terms", args.no_terms))
            if run is not None}
    settings_of = {label: run_settings(run) for label, run in runs.items()}
    first = settings_of["full"]
    for label, s in settings_of.items():
        differ = [k for k in SAME if s.get(k) != first.get(k)]
        if differ:
            raise SystemExit(f"{runs[label]} differs from {args.full} in {', '.join(differ)}: not one ablation")
    budget = get_budget(first["budget"])
    epochs = args.epochs or budget.final_epochs
    board = load_board(first["board"], clock_mhz=first["clock_mhz"])
    fps, seed = first["fps"], first["seed"]
    settings = SearchSettings(
        dataset=first["dataset"], board=board, fps=fps, out_dir=args.out, cache_dir=args.out / "cache", seed=seed,
        threads=args.threads, data_dir=args.data_dir, progress=False,
        budget=dataclasses.replace(budget, final_epochs=epochs, final_from="scratch"),
    )

    derived = {label: json.loads((run / "derived.json").read_text())["point"] for label, run in runs.items()}
    full_arch = load_arch(args.full / "derived.yaml")
    image = full_arch.input
    space = SearchSpace(ImageInput(image.channels, image.height, image.width, image.bits), full_arch.classes,
                        CellSpace(), name="no-skips")
    networks = [
        ("(a) chosen cell network", "full", full_arch, derived["full"], args.full),
        ("(b) (a) with its skips removed", "no-skips", space.decode(without_skips(derived["full"])),
         without_skips(derived["full"]), None),
    ]
    for title, label in (("(c) searched with Zeroise disabled", "no-zeroise"),
                         ("(d) searched without temperature schedule and diversity", "no-terms")):
        if label in runs:
            networks.append((title, label, load_arch(runs[label] / "derived.yaml"), derived[label], runs[label]))

    dataset = load_dataset(first["dataset"], full_arch, locations=Locations(data_dir=args.data_dir,
                           cache_dir=args.out / "cache" / "datasets"), seed=seed, progress=False)
    train_index, val_index = search_split(dataset, budget, seed)
    rows = []
    for title, label, arch, point, run in networks:
        run_dir = args.out / label
        searched = trained_by_search(run)
        if args.reuse_search_training and searched is not None and not run_dir.exists():
            shutil.copytree(searched, run_dir)
        trained = train_candidate(arch, dataset, settings, run_dir, train_index, val_index, init=None,
                                  log=lambda line: print(line, flush=True))
        verdict = judge(arch, board, fps)
        rows.append((title, trained.test_accuracy, verdict.lut, verdict.bram18, verdict.fps, count(arch, "add"),
                     count(arch, "concat"), cells_line(point)))

    print()
    print(f"{first['dataset']}, {board.name} at {fps:,.0f} fps; every network trained from scratch "
          f"for {epochs} epochs on the same {len(train_index):,} training images (seed {seed}), tested on "
          f"{len(dataset.test):,} test images")
    print()
    print("| network | test accuracy | LUT | BRAM18 | fps | adds | concats | cells |")
    print("|---|---|---|---|---|---|---|---|")
    for title, acc, lut, bram, f, adds, concats, cells in rows:
        print(f"| {title} | {acc:.2%} | {lut:,} | {bram} | {f:,.0f} | {adds} | {concats} | {cells} |")


if __name__ == "__main__":
    main()
