"""How long Verilator takes to simulate CNV-w1a1 at finn-examples' folding, the largest example.

Lowers CNV (random weights), generates its RTL, builds the Verilator model (timed apart: it is paid
once per design) and simulates FRAMES random CIFAR-sized frames with random back-pressure on the
output, printing the build and simulation seconds, cycles simulated and the steady state against the
cost model. The issue's aim: 10 frames simulated in at most 60 s on this machine.

    PYTHONPATH=. python benchmarks/bench_rtlsim_cnv.py [--frames 10]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    from qonnx.core.modelwrapper import ModelWrapper

    from hwnas.arch import load_arch
    from hwnas.board import load_board
    from hwnas.codegen.plan import write_plan
    from hwnas.codegen.project import random_graph_inputs
    from hwnas.lower import lower
    from hwnas.lower.quiet import library_output_to
    from hwnas.rtl.generate import generate_rtl
    from hwnas.rtl.rtlsim import simulate_rtl

    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=10)
    args = parser.parse_args()
    board = load_board("pynq-z2")
    arch = load_arch(REPO / "examples" / "archs" / "cnv-w1a1.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with library_output_to(work / "lower.log"):
            lowered = lower(arch, board, out_dir=work / "lower", folding=REPO / "examples" / "folding" / "cnv-w1a1.json")
        model = ModelWrapper(str(lowered.out_dir / "dataflow.onnx"))
        started = time.perf_counter()
        write_plan(generate_rtl(model, design=arch.name), work / "rtl")
        generated = time.perf_counter() - started
        estimates = json.loads((lowered.out_dir / "finn_estimates.json").read_text())
        result = simulate_rtl(
            work / "rtl", model, random_graph_inputs(model, args.frames), design=arch.name, build_dir=work / "build",
            estimated_cycles=estimates["bottleneck"]["cycles_per_frame"],
        )
    print(f"CNV-w1a1, finn-examples folding, {args.frames} frames")
    print(f"  RTL generation: {generated:.1f} s")
    print(f"  Verilator build: {result.build_s:.1f} s")
    print(f"  simulation: {result.simulate_s:.1f} s for {result.cycles:,} cycles "
          f"({result.cycles / result.simulate_s:,.0f} cycles/s)")
    print("\n".join(result.summary()))
    return 0 if not result.deadlock else 1


if __name__ == "__main__":
    sys.exit(main())
