"""How many CNV-sized architectures hwnas judges per second, against FINN's seconds per architecture.

hwnas: for freshly generated specs (no cache can help), (a) the cost model alone on a given folding,
(b) choosing the folding for a frame-rate target plus the estimate. FINN: building its specialised,
bit-width-minimised hardware graph for the same node list, SetFolding and its estimation analyses
(tests/finn_reference.py). Layer tables are cached by shape, as in a real search where shapes
repeat; the specs themselves are all new. That skips Brevitas export, QONNX cleanup and streamlining, which
FACTS.md times at ~15 s for CNV-w1a1, so the FINN figure is a lower bound and the ratio an
underestimate.

    PYTHONPATH=. python benchmarks/bench_cost_speed.py
"""

from __future__ import annotations

import logging
import os
import time

import numpy as np

from hwnas.arch.spec import Arch, Conv, ImageInput, Linear, MaxPool, arch_from_dict
from hwnas.board import load_board
from hwnas.cost import Folding, cheapest_folding, estimate, hardware_nodes, plan_folding
from hwnas.errors import UserError

FPS_TARGET = 1_000
GOALS = {"estimate": 10_000, "optimise": 2_000}  # archs/s cpu, issue 19


def cnv_like(rng: np.random.Generator, index: int) -> Arch:
    """CNV's structure (6 convs, 2 pools, 3 dense) with random widths: 17 to 20 hardware nodes."""
    c1, c2, c3 = (int(rng.choice(w)) for w in ([32, 48, 64, 96], [64, 96, 128, 192], [128, 192, 256, 384]))
    dense = int(rng.choice([128, 256, 512, 1024]))
    layers = (
        Conv(c1, 3), Conv(c1, 3), MaxPool(2), Conv(c2, 3), Conv(c2, 3), MaxPool(2),
        Conv(c3, 3), Conv(c3, 3), Linear(dense), Linear(dense), Linear(10),
    )
    arch = Arch(f"cnv-like-{index}", ImageInput(3, 32, 32, 8), 10, layers)
    return arch_from_dict(arch.to_dict(), source=arch.name)


def loop_ns() -> float:
    """This machine's speed on plain Python, so the figures can be scaled to another machine."""
    start, total = time.process_time(), 0
    for i in range(2_000_000):
        total += i * 2
    return (time.process_time() - start) / 2_000_000 * 1e9


def main() -> None:
    calibration_ns = loop_ns()
    board = load_board("pynq-z2")
    rng = np.random.default_rng(0)
    n = 3000
    archs = [cnv_like(rng, i) for i in range(n)]
    # foldings chosen beforehand on copies, so the timed estimate sees fresh specs with cold caches
    twins = [arch_from_dict(a.to_dict(), source=a.name + "-twin") for a in archs]
    budget = int(board.clock_mhz * 1e6 // FPS_TARGET)
    foldings = [cheapest_folding(t, board, cycles_per_frame=budget) or Folding() for t in twins]

    start, start_cpu = time.perf_counter(), time.process_time()
    for arch, folding in zip(archs, foldings):
        estimate(arch, folding, board)
    estimate_s = (time.perf_counter() - start) / n
    estimate_cpu_s = (time.process_time() - start_cpu) / n

    def optimise_all(fresh) -> tuple[float, float, int]:
        start, start_cpu = time.perf_counter(), time.process_time()
        reached = 0
        for arch in fresh:
            try:
                plan_folding(arch, board, fps=FPS_TARGET)
                reached += 1
            except UserError:
                pass
        return (time.perf_counter() - start) / len(fresh), (time.process_time() - start_cpu) / len(fresh), reached

    # the first 1,000 fresh specs meet kernel pairs the estimates above never met (the mixed
    # search's moves): their FIFO schedules are computed here for the first time. The next 1,000
    # (fresh specs again, layer shapes from the same distribution) show the steady state of a
    # search that has planned a thousand networks.
    fresh = [cnv_like(rng, n + i) for i in range(1000)]
    optimise_s, optimise_cpu_s, reached = optimise_all(fresh)
    steady = [cnv_like(rng, 2 * n + i) for i in range(1000)]
    steady_s, steady_cpu_s, steady_reached = optimise_all(steady)

    # the general FIFO path, side by side: every stream through the general step and every pair from
    # all its word times (what the fast paths are tested against), on specs fresh to every cache
    import functools

    from hwnas.cost import bursts, fifos, network

    general = [cnv_like(rng, 10 * n + i) for i in range(1000)]
    general_foldings = [
        cheapest_folding(arch_from_dict(a.to_dict(), source=a.name + "-twin"), board, cycles_per_frame=budget) or Folding()
        for a in general
    ]
    fast_paths = network.stream_fifos, bursts._summary
    network.stream_fifos, bursts._summary = fifos.stream_fifos_general, functools.lru_cache(maxsize=1 << 15)(bursts._summary_general)
    start_cpu = time.process_time()
    for arch, folding in zip(general, general_foldings):
        estimate(arch, folding, board)
    general_cpu_s = (time.process_time() - start_cpu) / len(general)
    network.stream_fifos, bursts._summary = fast_paths

    from tests.finn_reference import finn_graph, finn_numbers

    logging.getLogger("finn").setLevel(logging.ERROR)
    finn_times = []
    for arch in archs[:3]:
        start = time.perf_counter()
        graph = finn_graph(hardware_nodes(arch), board.part)
        finn_numbers(graph, board.part, target_cycles=budget)
        finn_times.append(time.perf_counter() - start)
    finn_s = float(np.mean(finn_times))

    nodes = np.mean([len(hardware_nodes(a)) for a in archs])
    print(f"CNV-sized specs ({nodes:.1f} hardware nodes on average), board {board.name}, one core")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; 'cpu' counts only this process's CPU time")
    print(f"calibration: {calibration_ns:.0f} ns per `total += i * 2` loop iteration, to scale these figures to another machine")
    print(
        f"hwnas estimate on a given folding   : {1 / estimate_s:>8,.0f} archs/s wall, {1 / estimate_cpu_s:>8,.0f} archs/s cpu "
        f"({estimate_cpu_s * 1e6:,.1f} us cpu each, {n} fresh specs)"
    )
    print(
        f"hwnas optimise ({FPS_TARGET} fps) + estimate: {1 / optimise_s:>8,.0f} archs/s wall, {1 / optimise_cpu_s:>8,.0f} archs/s cpu "
        f"({optimise_cpu_s * 1e6:,.1f} us cpu each, {reached}/{len(fresh)} reached the target)"
    )
    print(
        f"  the next {len(steady)} fresh specs      : {1 / steady_s:>8,.0f} archs/s wall, {1 / steady_cpu_s:>8,.0f} archs/s cpu "
        f"({steady_cpu_s * 1e6:,.1f} us cpu each, {steady_reached}/{len(steady)} reached the target)"
    )
    print(
        f"general FIFO path, estimate        : {'':>8} {'':>12} {1 / general_cpu_s:>8,.0f} archs/s cpu "
        f"({general_cpu_s * 1e6:,.1f} us cpu each, {len(general)} fresh specs)"
    )
    for label, cpu_s, goal in (
        ("estimate", estimate_cpu_s, GOALS["estimate"]),
        ("optimise + estimate, first 1,000", optimise_cpu_s, GOALS["optimise"]),
        ("optimise + estimate, next 1,000", steady_cpu_s, GOALS["optimise"]),
    ):
        verdict = "meets" if 1 / cpu_s >= goal else "misses"
        print(f"goal {label}: {goal:,} archs/s cpu, {verdict} it at {1 / cpu_s:,.0f}")
    print(f"FINN graph + SetFolding + estimates: {finn_s:>10,.2f} s/arch (mean of {len(finn_times)}; lower bound, no export/streamlining)")
    print(f"ratio (FINN wall / hwnas wall), estimate          : {finn_s / estimate_s:>12,.0f}x")
    print(f"ratio (FINN wall / hwnas wall), optimise+estimate : {finn_s / optimise_s:>12,.0f}x")


if __name__ == "__main__":
    main()
