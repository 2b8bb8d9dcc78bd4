"""Yosys synthesis of the RTL backend against the cost model (FINN's formulas), node by node.

For each design and board: lower it (random weights: the resource counts do not depend on them,
except a constant-folded weight memory, see the README), generate the RTL, run Yosys 0.70
`synth_xilinx -family xc7|xcup` (hwnas.rtl.synth) and print per design its totals beside the cost
model's, then per node type the sums over every design. Writes the rows as JSON for the README.

    PYTHONPATH=. python benchmarks/bench_rtl_synthesis.py [--designs tfc,sfc,...] [--boards pynq-z2,zcu104]
        [--json out.json]

Designs: tfc, sfc at 100,000 fps; cnv at finn-examples' folding (examples/folding/cnv-w1a1.json);
res-fmnist and cell-bnas at 1,000 fps (the optimiser's folding).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DESIGNS = {
    "tfc": ("tfc-w1a1", dict(fps=100_000)),
    "sfc": ("sfc-w1a1", dict(fps=100_000)),
    "cnv": ("cnv-w1a1", dict(folding=REPO / "examples" / "folding" / "cnv-w1a1.json")),
    "res-fmnist": ("res-fmnist", dict(fps=1_000)),
    "cell-bnas": ("cell-bnas", dict(fps=1_000)),
}


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "-"


def synthesize_one(name: str, board_name: str, work: Path) -> dict:
    from hwnas.arch import load_arch
    from hwnas.board import load_board
    from hwnas.lower import lower
    from hwnas.lower.quiet import library_output_to
    from hwnas.rtl.project import build_rtl_project

    spec, how = DESIGNS[name]
    board = load_board(board_name)
    arch = load_arch(REPO / "examples" / "archs" / f"{spec}.yaml")
    with library_output_to(work / "lower.log"):
        lowered = lower(arch, board, out_dir=work / "lower", **how)
    report = build_rtl_project(lowered.out_dir / "dataflow.onnx", board=board, out_dir=work / "project", arch=arch, synth=True)
    result = report.synthesis
    result.write(work / "synthesis.json")
    return dict(design=name, board=board_name, family=result.family, seconds=result.seconds, nodes=result.nodes,
                total=result.total.__dict__, estimate_total=result.estimate_total)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--designs", default=",".join(DESIGNS))
    parser.add_argument("--boards", default="pynq-z2,zcu104")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = []
    print(f"{'design':<11} {'board':<8} {'Yosys LUT':>9} {'(mem)':>6} {'FF':>7} {'BRAM18':>6} {'DSP':>4} | "
          f"{'est LUT':>8} {'est BRAM18':>10} | {'LUT x':>5} {'BRAM x':>6} {'s':>5}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for board in args.boards.split(","):
            for name in args.designs.split(","):
                started = time.perf_counter()
                row = synthesize_one(name, board, Path(tmp) / f"{name}-{board}")
                rows.append(row)
                t, e = row["total"], row["estimate_total"]
                print(f"{name:<11} {board:<8} {t['lut']:>9,} {t['lut_memory']:>6,} {t['ff']:>7,} {t['bram18']:>6} "
                      f"{t['dsp']:>4} | {e['lut']:>8,.0f} {e['bram18']:>10,.0f} | {_ratio(t['lut'], e['lut']):>5} "
                      f"{_ratio(t['bram18'], e['bram18']):>6} {time.perf_counter() - started:>5.0f}", flush=True)
    kinds: dict[tuple[str, str], dict] = defaultdict(lambda: defaultdict(float))
    for row in rows:
        for node in row["nodes"]:
            k = kinds[row["family"], node["kind"]]
            k["nodes"] += 1
            for key in ("lut", "lut_memory", "ff", "bram18", "dsp"):
                k[key] += node["yosys"][key]
            if node["estimate"]:  # the ratio compares only nodes the cost model prices
                k["est_lut"] += node["estimate"]["lut"]
                k["est_bram18"] += node["estimate"]["bram18"]
                k["priced_lut"] += node["yosys"]["lut"]
                k["priced_bram18"] += node["yosys"]["bram18"]
                k["priced_nodes"] += 1
    # per node type, over every design: the ratios compare the nodes the cost model prices ("priced"); the
    # others (FIFOs of two words, which FINN's graph does not have, converters hwnas inserts) add to Yosys only
    print(f"\n{'family':<6} {'node type':<13} {'nodes':>5} {'priced':>6} {'Yosys LUT':>9} {'(mem)':>6} {'FF':>7} {'BRAM18':>6} | "
          f"{'priced LUT':>10} {'est LUT':>8} {'est BRAM18':>10} | {'LUT x':>5} {'BRAM x':>6}")
    for (family, kind), k in sorted(kinds.items()):
        print(f"{family:<6} {kind:<13} {k['nodes']:>5.0f} {k['priced_nodes']:>6.0f} {k['lut']:>9,.0f} {k['lut_memory']:>6,.0f} "
              f"{k['ff']:>7,.0f} {k['bram18']:>6.0f} | {k['priced_lut']:>10,.0f} {k['est_lut']:>8,.0f} {k['est_bram18']:>10,.0f} | "
              f"{_ratio(k['priced_lut'], k['est_lut']):>5} {_ratio(k['priced_bram18'], k['est_bram18']):>6}")
    if args.json:
        args.json.write_text(json.dumps(dict(rows=rows, kinds={f"{f}/{k}": v for (f, k), v in kinds.items()}), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
