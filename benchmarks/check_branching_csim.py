"""Branching networks end to end: the three branching examples and 6 random branching specs, each
at the optimiser's folding and a random one, lowered, built, C-simulated on 100 random images
against the Brevitas model and FINN's Python execution, and simulated for timing against the cost
model (tests/codegen/branching_cases.py; tests/codegen/test_codegen_branches.py runs them on few
images). Prints one line per case and the totals; exits 1 unless all are exact.

    PYTHONPATH=. python benchmarks/check_branching_csim.py [--images N] [--specs res-fmnist,random-0,...]
        [--foldings optimiser,random]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    from hwnas.lower.quiet import library_output_to
    from tests.codegen.branching_cases import FOLDINGS, SPECS, check

    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=100)
    parser.add_argument("--specs", default=",".join(SPECS))
    parser.add_argument("--foldings", default=",".join(FOLDINGS))
    args = parser.parse_args()
    exact = total = 0
    start = time.perf_counter()
    print(f"{'spec':<12} {'folding':<10} {'csim=FINN':>9} {'csim=model':>10} {'classes':>7} {'sim/est':>8} "
          f"{'deadlock':>8} {'overflow':>8} {'s':>5}")
    with tempfile.TemporaryDirectory() as tmp:
        for spec in args.specs.split(","):
            for folding in args.foldings.split(","):
                case_start = time.perf_counter()
                with library_output_to(Path(tmp) / f"{spec}-{folding}.log"):
                    o = check(spec, folding, Path(tmp) / f"{spec}-{folding}", images=args.images)
                total += 1
                exact += o.exact
                sim = o.simulated
                print(f"{spec:<12} {folding:<10} {o.finn_agree:>4}/{o.finn_images:<4} {o.model_agree:>5}/{o.images:<4} "
                      f"{o.classes_seen:>7} {sim.deviation:>+8.1%} {str(sim.deadlock):>8} {len(sim.overflowing):>8} "
                      f"{time.perf_counter() - case_start:>5.0f}", flush=True)
    print(f"{exact}/{total} cases bit-exact (C-sim = FINN = Brevitas on every image) in {time.perf_counter() - start:,.0f} s")
    return 0 if exact == total else 1


if __name__ == "__main__":
    sys.exit(main())
