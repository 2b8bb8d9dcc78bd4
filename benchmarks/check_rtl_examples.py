"""Every example in examples/archs/ (chains and branching) through the RTL backend: lowered at the
optimiser's folding for two frame rates and at one random legal folding, the RTL generated and
simulated in Verilator on N random images (``build_rtl_project(..., rtlsim=N, csim=True)``), its
classes compared with the Brevitas model and the HLS C-simulation of the same images, its steady
state with the cost model's bottleneck, its FIFO peaks with their depths.

The frame rates: ``high``, branching_cases' rule (SPEED_UP times the unfolded design's rate, capped
at 90% of what the board reaches), and ``low``, a quarter of that (not below the unfolded rate).
The random folding is branching_cases.random_folding's (each node's fold drawn from the cost
model's candidates, seeded by the spec's name length).

Prints one line per case and the totals; exits 1 unless every case agrees on every image with
both references, none deadlocks, every steady state is within 5% of the cost model, and no FIFO
goes above its depth.

    PYTHONPATH=. python benchmarks/check_rtl_examples.py [--images N] [--specs tfc-w1a1,res-fmnist,...]
        [--foldings high,low,random]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

EXAMPLES = ("tfc-w1a1", "sfc-w1a1", "lfc-w1a1", "conv4-fmnist", "cnv-w1a1", "res-fmnist", "res-cnv", "cell-bnas")
FOLDINGS = ("high", "low", "random")
LOW_DIVISOR = 4  # the low rate: the high one over this
TOLERANCE = 0.05


def frame_rates(arch, board) -> dict[str, float]:
    """The optimiser's two targets for ``arch``: high and low (frames per second)."""
    from hwnas.cost import Folding, estimate, reachable_fps
    from tests.codegen.branching_cases import SPEED_UP

    unfolded = estimate(arch, Folding(), board).fps
    high = min(SPEED_UP * unfolded, 0.9 * reachable_fps(arch, board)[0])
    return dict(high=high, low=max(unfolded, high / LOW_DIVISOR))


def run_case(spec: str, folding: str, out: Path, *, images: int) -> dict:
    import numpy as np

    from hwnas.board import load_board
    from hwnas.model import load_checkpoint
    from hwnas.rtl.project import build_rtl_project
    from tests.codegen.branching_cases import branching_spec, random_folding
    from tests.codegen.lowered import BOARD, lower_at

    board = load_board(BOARD)
    arch = branching_spec(spec)
    fps = None
    if folding == "random":
        lowered = lower_at(arch, out / "run", fold=random_folding(arch, np.random.default_rng(len(spec))))
    else:
        fps = frame_rates(arch, board)[folding]
        lowered = lower_at(arch, out / "run", fps=fps)
    model, _ = load_checkpoint(lowered.out_dir / "model.pt")
    report = build_rtl_project(
        lowered.out_dir / "dataflow.onnx", board=board, out_dir=out / "project", arch=arch, torch_model=model,
        rtlsim=images, csim=True,
    )
    return dict(fps=fps, result=report.rtlsim, folding=_fold_summary(lowered.folding_path))


def _fold_summary(path: Path) -> str:
    """The folding in short: PExSIMD of each node in FINN's order (PE or SIMD alone where it has one)."""
    import json

    config = json.loads(path.read_text())
    parts = []
    for name, fold in config.items():
        if isinstance(fold, dict) and ("PE" in fold or "SIMD" in fold):
            parts.append("x".join(str(fold[k]) for k in ("PE", "SIMD") if k in fold))
    return ",".join(parts)


def _agree(result, name: str) -> str:
    counts = result.agreement.get(name)
    return f"{counts['agree']}/{counts['of']}" if counts else "-"


def case_ok(result) -> bool:
    ratio = result.cycles_ratio
    return result.ok and ratio is not None and abs(ratio - 1) <= TOLERANCE and len(result.agreement) == 2


HEADER = (f"{'spec':<12} {'folding':<7} {'fps target':>10} {'vs model':>8} {'vs csim':>8} {'deadlk':>6} "
          f"{'cyc/frame':>10} {'cost mdl':>9} {'ratio':>6} {'FIFOs>d':>7} {'max pk/d':>8} {'vl build':>8} "
          f"{'vl sim':>7} {'case s':>6}  folding (PExSIMD by node)")


def line(spec: str, folding: str, case: dict, seconds: float) -> str:
    r = case["result"]
    fps = f"{case['fps']:,.0f}" if case["fps"] else "-"
    fullest = max((f["peak"] / f["depth"] for f in r.fifos), default=0.0)
    cycles = f"{r.cycles_per_frame:,.0f}" if r.cycles_per_frame is not None else "-"
    estimated = f"{r.estimated_cycles_per_frame:,}" if r.estimated_cycles_per_frame else "-"
    ratio = f"{r.cycles_ratio:.3f}" if r.cycles_ratio is not None else "-"
    flag = "" if case_ok(r) else " FAIL"
    return (f"{spec:<12} {folding:<7} {fps:>10} {_agree(r, 'the Brevitas model'):>8} "
            f"{_agree(r, 'the C-simulation'):>8} {str(r.deadlock):>6} {cycles:>10} {estimated:>9} {ratio:>6} "
            f"{len(r.fifo_overflow):>7} {fullest:>8.2f} {r.build_s:>8.1f} {r.simulate_s:>7.1f} {seconds:>6.0f}{flag}  {case['folding']}")


def main() -> int:
    from hwnas.lower.quiet import library_output_to

    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=100)
    parser.add_argument("--specs", default=",".join(EXAMPLES))
    parser.add_argument("--foldings", default=",".join(FOLDINGS))
    parser.add_argument("--keep", type=Path, help="build the cases here instead of a temporary folder")
    args = parser.parse_args()
    passed = total = 0
    start = time.perf_counter()
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        for spec in args.specs.split(","):
            for folding in args.foldings.split(","):
                case_start = time.perf_counter()
                total += 1
                try:
                    with library_output_to(root / f"{spec}-{folding}.log"):
                        case = run_case(spec, folding, root / f"{spec}-{folding}", images=args.images)
                except Exception as error:  # one broken case is reported, the others still run
                    print(f"{spec:<12} {folding:<7} ERROR {type(error).__name__}: {str(error).splitlines()[0][:200]}",
                          flush=True)
                    continue
                passed += case_ok(case["result"])
                print(line(spec, folding, case, time.perf_counter() - case_start), flush=True)
    print(f"{passed}/{total} cases pass (classes = Brevitas = C-sim on every image, no deadlock, steady state "
          f"within {TOLERANCE:.0%} of the cost model, no FIFO above its depth) in {time.perf_counter() - start:,.0f} s")
    return 0 if passed == total else 1


if __name__ == "__main__":
    sys.exit(main())
