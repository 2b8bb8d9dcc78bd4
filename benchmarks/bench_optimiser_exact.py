"""The folding optimiser against the exact optimum, on random small specs where that is computable.

Specs: random chains (conv and MLP, ``hwnas.arch.sample.random_arch``) and random branching
networks (``random_branching_arch``), each at 3 frame rates: 2x, 8x and 32x the fully folded
design's. Board pynq-z2. Cost: the estimate's board-normalised total, LUT / usable LUT + BRAM18 /
usable BRAM18 + URAM / usable URAM, FIFOs included (what ``plan_folding`` minimises).

The exact optimum enumerates every legal folding of every node (``candidate_folds``) within the
frame's cycle budget, under the structural rules every folding hwnas emits keeps: a depthwise
sliding window (in front of a Pool) at SIMD = the Pool's PE and not in parallel-window mode, and an
add's inputs, the add and the threshold after it at one PE. It is a branch and bound: FIFOs cost
>= 0, so the nodes' own cost is a lower bound on a folding's total; a node candidate whose extra
node cost over the node's cheapest already exceeds (uniform optimum's total - that lower bound) is
dropped, the remaining combinations are sorted by their node cost and estimated in that order until
the node cost alone reaches the best total found. A case is "not computable" when the search exceeds
its limits (TRANSITIONS, VISITS).

First the README's cases: t23 (the quick cell search's point, benchmarks/specs/cell-t23.json) at
1,000 fps against the uniform optimum and the README's hand folding, and TFC and CNV at the
SetFolding benchmark's targets against the uniform optimum and FINN's SetFolding folding, each
costed by hwnas with its FIFOs.

    PYTHONPATH=. python benchmarks/bench_optimiser_exact.py [--specs N] [--no-finn] [--readme-only]
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

import numpy as np

from hwnas.arch.sample import random_arch, random_branching_arch
from hwnas.arch.spec import arch_from_dict, load_arch
from hwnas.board import load_board
from hwnas.cost import Folding, estimate, hardware_nodes, optimise
from tests.finn_reference import finn_graph, finn_numbers
from hwnas.hw.fold import NodeFold
from hwnas.cost.mixed import Network, add_groups
from hwnas.cost.network import estimate_nodes
from hwnas.cost.node_cost import EVALUATORS, candidate_folds
from hwnas.cost.nodes import hardware_graph
from hwnas.hw import Pool, SlidingWindow
from hwnas.cost.optimise import _normalised, plan_folding
from hwnas.errors import UserError

VISITS = 1_500_000
TRANSITIONS = 2_000_000
RATES = (2, 8, 32)


def specs(count: int):
    rng = np.random.default_rng(2026)
    made = []
    for i in range(count):
        kind = ("conv", "mlp", "branching")[i % 3]
        if kind == "branching":
            # image 4 to 6 pixels square, convs 2 or 4 wide: few enough foldings to enumerate
            made.append((kind, random_branching_arch(rng, name=f"branching-{i}", sizes=(4, 5, 6), widths=(2, 4))))
        else:
            made.append((kind, random_arch(rng, kind=kind, name=f"{kind}-{i}")))
    return made


def exact(arch, board, budget: int, upper: float):
    """((least total, estimates made, what was searched), None) or (None, why not)."""
    hw_nodes, edges = hardware_graph(arch)
    w = (1 / board.budget("lut"), 1 / board.budget("bram18"))

    def node_cost(node, fold) -> float:
        c = EVALUATORS[type(node)](node, fold)
        return c.lut * w[0] + c.bram18 * w[1], c.cycles_per_frame

    # the slots: a node, or a depthwise window and its Pool
    slots = []
    skip = set()
    for i, node in enumerate(hw_nodes):
        if i in skip:
            continue
        if isinstance(node, SlidingWindow) and node.depthwise:
            pool = hw_nodes[i + 1]
            assert isinstance(pool, Pool)
            skip.add(i + 1)
            window_folds = set(candidate_folds(node))
            options = []
            for pf in candidate_folds(pool):
                wf = type(pf)(1, pf.pe)
                if wf in window_folds:
                    (cw, yw), (cp, yp) = node_cost(node, wf), node_cost(pool, pf)
                    if max(yw, yp) <= budget:
                        options.append(((wf, pf), cw + cp))
            slots.append(((i, i + 1), options))
        else:
            options = []
            for f in candidate_folds(node):
                c, cycles = node_cost(node, f)
                if cycles <= budget:
                    options.append(((f,), c))
            slots.append(((i,), options))
    if any(not options for _, options in slots):
        return None, "no folding fast enough"
    least = [min(c for _, c in options) for _, options in slots]
    lower = sum(least)
    slack = upper - lower + 1e-12
    slots = [(ix, [(f, c) for f, c in options if c - m <= slack]) for (ix, options), m in zip(slots, least)]
    if all(len(reads) == (1 if i else 0) and (not i or reads[0] == i - 1) for i, reads in enumerate(edges)):
        return _chain(arch, hw_nodes, edges, board, slots)
    return _branch_and_bound(arch, hw_nodes, edges, board, slots, upper)


def _branch_and_bound(arch, hw_nodes, edges, board, slots, upper):
    """Depth first over the slots in graph order, cheapest candidates first. Fixing a node fixes
    every stream into it, and (all its producers being fixed) when it starts, so its FIFOs'
    depths, lateness at a join included, are known: the partial total (nodes and FIFOs fixed so
    far) only grows, and with the cheapest node of every open slot it bounds every completion."""
    net = Network(hw_nodes, edges, board)
    groups = add_groups(hw_nodes, edges)
    group_of = {k: g for g, group in enumerate(groups) for k in group}
    rest = np.concatenate([np.cumsum([min(c for _, c in options) for _, options in slots][::-1])[::-1], [0.0]])
    folds: list = [None] * len(hw_nodes)
    starts: list = [0.0] * len(hw_nodes)
    group_pe: dict[int, int] = {}
    best = [upper + 1e-12, None]
    visits = [0]

    def fifo_in(i) -> float:
        # every stream into node i, as stream_fifos costs it; sets starts[i]
        reads = edges[i]
        if not reads:
            starts[i] = 0.0
            return 0.0
        found = [net._stages(i, p, folds[j], folds[i]) for p, j in enumerate(reads)]
        ready = [starts[j] + f[1] for j, f in zip(reads, found)]
        starts[i] = max(ready)
        return sum(net._late(i, p, f, starts[i] - ready[p]) if starts[i] - ready[p] else f[2] for p, f in enumerate(found))

    def visit(s: int, partial: float) -> None:
        visits[0] += 1
        if visits[0] > VISITS:
            raise _Stop
        if s == len(slots):
            best[0], best[1] = partial, list(folds)
            return
        ix, options = slots[s]
        for fs, c in sorted(options, key=lambda o: o[1]):
            if partial + c + rest[s + 1] >= best[0]:
                break
            if any(k in group_of and group_pe.get(group_of[k], f.pe) != f.pe for k, f in zip(ix, fs)):
                continue
            set_here = [group_of[k] for k, f in zip(ix, fs) if k in group_of and group_of[k] not in group_pe]
            for k, f in zip(ix, fs):
                if k in group_of:
                    group_pe[group_of[k]] = f.pe
                folds[k] = f
            cost = partial + c + sum(fifo_in(k) for k in ix)
            if cost + rest[s + 1] < best[0]:
                visit(s + 1, cost)
            for g in set_here:
                del group_pe[g]

    try:
        visit(0, 0.0)
    except _Stop:
        return None, f"over {VISITS:,} search nodes"
    if best[1] is None:
        return (upper, visits[0], f"branch and bound, {visits[0]:,} search nodes: nothing below the optimiser"), None
    result = estimate_nodes(arch.name, hw_nodes, Folding({n.name: f for n, f in zip(hw_nodes, best[1])}), board, edges=edges)
    assert abs(_normalised(result, board) - best[0]) < 1e-9, (best[0], _normalised(result, board))
    return (best[0], visits[0], f"branch and bound, {visits[0]:,} search nodes"), None


class _Stop(Exception):
    pass


def _chain(arch, hw_nodes, edges, board, slots):
    """A chain's exact optimum by dynamic programming over the slots in order: its total is the
    nodes' costs plus one FIFO cost per stream, each depending on the stream's two ends alone (no
    join makes a consumer late), so the cheapest folding up to each slot option extends slot by
    slot. Checked: the estimate of the folding found equals the total the recursion gives."""
    net = Network(hw_nodes, edges, board)
    transitions = sum(len(a[1]) * len(b[1]) for a, b in zip(slots, slots[1:]))
    if transitions > TRANSITIONS:
        return None, f"{transitions:,} transitions"

    def inner(ix, fs) -> float:  # a window and its Pool: the stream between them
        return net.edge(ix[1], 0, fs[0], fs[1]) if len(ix) == 2 else 0.0

    (ix0, options0) = slots[0]
    best = [c + inner(ix0, fs) for fs, c in options0]
    back = []
    for (ixp, prev), (ix, options) in zip(slots, slots[1:]):
        here, links = [], []
        for fs, c in options:
            costs = [best[k] + net.edge(ix[0], 0, pf[-1], fs[0]) for k, (pf, _) in enumerate(prev)]
            k = int(np.argmin(costs))
            here.append(costs[k] + c + inner(ix, fs))
            links.append(k)
        best, back = here, back + [links]
    k = int(np.argmin(best))
    value = best[k]
    picks = [k]
    for links in reversed(back):
        picks.append(links[picks[-1]])
    picks.reverse()
    folds = {}
    for (ix, options), k in zip(slots, picks):
        folds.update(zip(ix, options[k][0]))
    result = estimate_nodes(arch.name, hw_nodes, Folding({hw_nodes[i].name: f for i, f in folds.items()}), board, edges=edges)
    assert abs(_normalised(result, board) - value) < 1e-9, (value, _normalised(result, board))
    return (value, 1, f"dynamic programming, {transitions:,} transitions"), None


REPO = Path(__file__).resolve().parent.parent
# the quick cell search's t23 (README, "For t23"): a folding set by hand, fully folded elsewhere
T23_HAND = {
    "MVAU_hls_0": NodeFold(2), "ConvolutionInputGenerator_rtl_2": NodeFold(1, 2),
    "ConvolutionInputGenerator_rtl_3": NodeFold(1, 2), "MVAU_hls_1": NodeFold(1, 2), "MVAU_hls_2": NodeFold(1, 2),
}
# bench_optimiser_vs_setfolding.py's targets
SETFOLDING_TARGETS = {
    "tfc-w1a1": (1_000, 10_000, 100_000, 300_000, 1_000_000),
    "cnv-w1a1": (100, 500, 1_000, 3_000, 6_000, 10_000),
}


def plans(arch, board, fps):
    """(uniform optimum, optimiser) estimates, or None where the target is out of reach."""
    try:
        optimise.MIXED = False
        uniform = plan_folding(arch, board, fps=fps).estimate
    except UserError:
        return None
    finally:
        optimise.MIXED = True
    return uniform, plan_folding(arch, board, fps=fps).estimate


def readme_cases(finn: bool) -> None:
    """t23 at 1,000 fps against the uniform optimum and the hand folding; TFC and CNV at the
    SetFolding benchmark's targets against the uniform optimum and SetFolding's folding, all
    three costed by hwnas with their FIFOs (the optimiser's objective)."""
    board = load_board("pynq-z2")
    t23 = arch_from_dict(json.loads((REPO / "benchmarks/specs/cell-t23.json").read_text()), source="cell-t23")
    uniform, ours = plans(t23, board, 1000)
    hand = estimate(t23, Folding(T23_HAND), board)
    print("t23 (benchmarks/specs/cell-t23.json) at 1,000 fps on pynq-z2: fps, LUT, BRAM18, board-normalised")
    for label, e in (("uniform optimum", uniform), ("hand folding", hand), ("optimiser", ours)):
        print(f"  {label:<16} {e.fps:>8,.0f} fps {e.lut:>6,} LUT {e.bram18:>3} BRAM18  {_normalised(e, board):.5f}")
    print()
    rows, worse = [], 0
    for name, targets in SETFOLDING_TARGETS.items():
        arch = load_arch(REPO / "examples" / "archs" / f"{name}.yaml")
        nodes = hardware_nodes(arch)
        for board_name in ("pynq-z2", "zcu104"):
            board = load_board(board_name)
            graph = finn_graph(nodes, board.part) if finn else None
            for fps in targets:
                found = plans(arch, board, fps)
                if found is None:
                    rows.append((name, board_name, fps, None, None, None))
                    continue
                uniform, ours = found
                sf = None
                if finn:
                    budget = int(board.clock_mhz * 1e6 // fps)
                    config = finn_numbers(graph, board.part, target_cycles=budget).folding
                    folding = Folding.from_finn_config({n: a for n, a in config.items() if a}, nodes, source="SetFolding")
                    sf_estimate = estimate(arch, folding, board)
                    if sf_estimate.cycles_per_frame <= budget:
                        sf = sf_estimate
                best = min([_normalised(uniform, board)] + ([_normalised(sf, board)] if sf else []))
                worse += _normalised(ours, board) > best + 1e-12
                rows.append((name, board_name, fps, uniform, sf, ours))
    print("TFC and CNV at bench_optimiser_vs_setfolding.py's targets, FIFOs included: LUT / BRAM18 / URAM / normalised")
    for name, board_name, fps, uniform, sf, ours in rows:
        if uniform is None:
            print(f"  {name} {board_name:<8} {fps:>9,} fps: out of reach")
            continue
        cell = lambda e: "-" if e is None else f"{e.lut:>6,} / {e.bram18:>3} / {e.uram} / {_normalised(e, board_of[board_name]):.4f}"
        print(f"  {name} {board_name:<8} {fps:>9,} fps: uniform {cell(uniform)}  SetFolding {cell(sf)}  optimiser {cell(ours)}")
    print(f"optimiser above the best of the uniform optimum and SetFolding in {worse} of {sum(r[3] is not None for r in rows)} cases")
    print()


board_of = {name: load_board(name) for name in ("pynq-z2", "zcu104")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--specs", type=int, default=33)
    parser.add_argument("--no-finn", action="store_true", help="skip SetFolding (FINN's import and passes take a minute)")
    parser.add_argument("--readme-only", action="store_true", help="only the README's cases")
    args = parser.parse_args()
    logging.getLogger("finn").setLevel(logging.ERROR)
    readme_cases(not args.no_finn)
    if args.readme_only:
        return
    board = load_board("pynq-z2")
    rows = []
    start = time.perf_counter()
    print(f"{'spec':<14} {'x':>3} {'budget':>9} {'uniform':>9} {'optimiser':>9} {'exact':>9} {'ratio':>6}  exact search")
    for kind, arch in specs(args.specs):
        unfolded = estimate(arch, Folding(), board).cycles_per_frame
        for rate in RATES:
            budget = unfolded // rate
            fps = board.clock_mhz * 1e6 / budget
            optimise.MIXED = False
            try:
                uniform = _normalised(plan_folding(arch, board, fps=fps).estimate, board)
            except UserError:
                print(f"{arch.name:<14} {rate:>3} {budget:>9,} unreachable")
                continue
            finally:
                optimise.MIXED = True
            ours = _normalised(plan_folding(arch, board, fps=fps).estimate, board)
            found, reason = exact(arch, board, budget, min(uniform, ours))
            if found is None:
                print(f"{arch.name:<14} {rate:>3} {budget:>9,} {uniform:>9.5f} {ours:>9.5f} {'-':>9} {'-':>6}  not computable: {reason}")
                rows.append((kind, uniform, ours, None))
                continue
            best, evaluations, searched = found
            ratio = ours / best
            print(f"{arch.name:<14} {rate:>3} {budget:>9,} {uniform:>9.5f} {ours:>9.5f} {best:>9.5f} {ratio:>6.3f}  "
                  f"{searched}")
            rows.append((kind, uniform, ours, best))
    exacts = [r for r in rows if r[3] is not None]
    print()
    print(f"{len(rows)} cases ({len(exacts)} with the exact optimum computed), {time.perf_counter() - start:.0f} s")
    for label, pick in (("optimiser", 2), ("uniform optimum", 1)):
        ratios = [r[pick] / r[3] for r in exacts]
        equal = sum(1 for x in ratios if x <= 1 + 1e-9)
        print(f"{label:<16}: equal to the exact optimum in {equal}/{len(exacts)}, worst ratio {max(ratios):.4f}, "
              f"mean ratio {np.mean(ratios):.4f}")
    worse = sum(1 for r in rows if r[2] > r[1] + 1e-12)
    print(f"optimiser above the uniform optimum in {worse}/{len(rows)} cases")
    for kind in ("conv", "mlp", "branching"):
        mine = [r[2] / r[3] for r in exacts if r[0] == kind]
        if mine:
            print(f"  {kind:<9}: {sum(1 for x in mine if x <= 1 + 1e-9)}/{len(mine)} equal, worst {max(mine):.4f}")


if __name__ == "__main__":
    main()
