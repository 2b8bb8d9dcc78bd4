"""The cost model against FINN's estimates of the real lowering, on trained weights.

For every trained network of one or more `hwnas search` runs (the chosen one, the final candidates,
and the references from the search's cache), lower it again with the current lowering at the run's
board and frame rate, and compare FINN's `finn_estimates.json` with the cost model's estimate at the
folding the optimiser picks: node by node and in total (``finn_reference.lowering_differences``). The tests do the same on untrained
and on all-+1 weights; this script is for networks a search actually trained. Exits 1 on any
difference.

    PYTHONPATH=. python benchmarks/check_trained_agreement.py runs/pynq-z2-1000 runs/pynq-z2-100000 \
        --references ~/.cache/hwnas/references/fashion-mnist-standard-seed0
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from hwnas.arch.spec import load_arch
from hwnas.board import load_board
from hwnas.cost import plan_folding
from tests.finn_reference import lowering_differences
from hwnas.lower import lower
from hwnas.lower.quiet import library_output_to
from hwnas.report.table import format_table


def trained_networks(run_dir: Path, references: Path | None) -> list[tuple[Path, Path]]:
    """(arch.yaml, model.pt) of every trained network a run holds, plus the references'."""
    folders = [run_dir / "best", *sorted(p.parent for p in (run_dir / "candidates").glob("t*/model.pt"))]
    if references is not None:
        folders += sorted(p.parent for p in references.glob("*/model.pt"))
    return [(folder / "arch.yaml", folder / "model.pt") for folder in folders]


def compare(arch_path: Path, checkpoint: Path, board, fps: float, out_dir: Path) -> dict:
    arch = load_arch(arch_path)
    with library_output_to(out_dir / "lower.log"):
        result = lower(arch, board, out_dir=out_dir, fps=fps, checkpoint=checkpoint)
    finn = json.loads(result.estimates_path.read_text())
    ours = plan_folding(arch, board, fps=fps).estimate
    differing = lowering_differences(ours, finn)
    return dict(network=arch.name, checkpoint=str(checkpoint.parent.name), ours_lut=ours.lut,
                finn_lut=finn["total"]["lut"], ours_bram18=ours.bram18, finn_bram18=finn["total"]["bram18"],
                differing=differing)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="+", type=Path, help="hwnas search output folders")
    parser.add_argument("--references", type=Path, help="the search cache's references folder for these runs")
    args = parser.parse_args(argv)
    rows, failures = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for run_dir in args.runs:
            settings = json.loads((run_dir / "summary.json").read_text())["settings"]
            board, fps = load_board(settings["board"]), settings["fps"]
            for i, (arch_path, checkpoint) in enumerate(trained_networks(run_dir, args.references)):
                r = compare(arch_path, checkpoint, board, fps, Path(tmp) / f"{run_dir.name}-{i}")
                failures += bool(r["differing"])
                rows.append([r["network"], r["checkpoint"], board.name, int(fps), r["ours_lut"], int(r["finn_lut"]),
                             r["ours_bram18"], int(r["finn_bram18"]), ", ".join(r["differing"]) or "none"])
                print(" | ".join(map(str, rows[-1])), flush=True)
    print()
    print(format_table(["network", "weights", "board", "fps", "hwnas LUT", "FINN LUT", "hwnas BRAM18", "FINN BRAM18",
                        "differing"], rows))
    print(f"\n{len(rows) - failures} of {len(rows)} lowerings equal node by node")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
