"""The whole random-spec set: 30 random chain specs x 2 frame-rate targets, each lowered at the
optimiser's folding, built, C-simulated on 50 random images against the Brevitas model and FINN's
execution, and simulated for timing against the cost model (tests/codegen/random_specs.py; the
tests run a slice of it). Prints one line per case and the totals; exits 1 unless all are exact.

    PYTHONPATH=. python benchmarks/check_random_specs_csim.py [--images N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    from hwnas.lower.quiet import library_output_to
    from tests.codegen.random_specs import cases, check

    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=50)
    args = parser.parse_args()
    exact = total = 0
    kinds = set()
    start = time.perf_counter()
    print(f"{'case':<14} {'input':<34} {'fps':>10} {'csim=FINN':>9} {'csim=model':>10} {'par.win':>7} {'sim/est':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases():
            with library_output_to(Path(tmp) / f"{case.name}.log"):
                outcome = check(case, Path(tmp) / case.name, images=args.images)
            total += 1
            exact += outcome.exact
            shape = outcome.arch.input.shape
            kinds.add((len(shape), outcome.arch.input.bits, shape[0] if len(shape) == 3 else 0))
            print(f"{case.name:<14} {str(shape) + ' ' + str(outcome.arch.input.bits) + '-bit':<34} {outcome.fps:>10,.0f} "
                  f"{outcome.finn_agree:>4}/{outcome.images:<4} {outcome.model_agree:>5}/{outcome.images:<4} "
                  f"{outcome.parallel_windows:>7} {outcome.simulated_deviation:>+8.1%}", flush=True)
    print(f"{exact}/{total} cases bit-exact (C-sim = FINN = Brevitas on every image) in {time.perf_counter() - start:,.0f} s; "
          f"input kinds (rank, bits, channels): {sorted(kinds)}")
    return 0 if exact == total else 1


if __name__ == "__main__":
    sys.exit(main())
