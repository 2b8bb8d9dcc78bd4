"""How many CNV-w1a1 frames hwnas's cycle-level simulator simulates per second on one core.

CNV-w1a1 at finn-examples' folding (32,768 cycles a frame at the bottleneck, 29 kernels and their
streams), lowered once with `hwnas lower` (or the run folder given), then simulated with the FIFO
depths hwnas generates (the cost model's, from the graph's StreamingFIFO nodes): the sweeping solution, and, side by side, the event-driven one on the same
graph (the path the simulator takes when FIFOs are tight). Reading the graph is timed apart.

    PYTHONPATH=. python benchmarks/bench_sim_speed.py [RUN_DIR]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core

REPO = Path(__file__).resolve().parent.parent
FRAMES = (10, 30)


def lowered_cnv(out: Path) -> Path:
    from hwnas.arch.spec import load_arch
    from hwnas.board import load_board
    from hwnas.lower import lower
    from hwnas.lower.quiet import library_output_to

    with library_output_to(out / "lower.log"):
        return lower(
            load_arch(REPO / "examples" / "archs" / "cnv-w1a1.yaml"), load_board("pynq-z2"), out_dir=out / "run",
            folding=REPO / "examples" / "folding" / "cnv-w1a1.json",
        ).out_dir


def main() -> int:
    from qonnx.core.modelwrapper import ModelWrapper

    from hwnas.codegen.layers import read_layers
    from hwnas.sim import simulate_layers
    from hwnas.sim.engine import SWEEPS

    with tempfile.TemporaryDirectory() as tmp:
        run = Path(sys.argv[1]) if len(sys.argv) > 1 else lowered_cnv(Path(tmp))
        start = time.perf_counter()
        layers, streams = read_layers(ModelWrapper(str(run / "dataflow.onnx")))
        prepare = time.perf_counter() - start
    print(f"CNV-w1a1 (finn-examples folding): {len(layers)} kernels; reading the graph {prepare:.2f} s")
    print(f"{'frames':>6}  {'solution':<12} {'seconds':>8} {'frames/s':>9} {'cycles/frame':>13}  passes")
    for frames in FRAMES:
        timings = {}
        for label, sweeps in (("sweeps", SWEEPS), ("event-driven", 0)):
            start = time.perf_counter()
            result = simulate_layers(layers, streams, frames, max_sweeps=sweeps)
            timings[label] = time.perf_counter() - start
            passes = f"{result.sweeps} sweeps" if label == "sweeps" else f"{result.chunks:,} chunks"
            print(f"{frames:>6}  {label:<12} {timings[label]:>8.2f} {frames / timings[label]:>9.1f} "
                  f"{result.cycles_per_frame:>13,.0f}  {passes}")
        print(f"{'':>6}  event-driven / sweeps: {timings['event-driven'] / timings['sweeps']:.1f}x the time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
