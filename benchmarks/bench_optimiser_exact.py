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
the node cost alone reaches the best total found. A case is "not computable" when the combinations
exceed COMBINATIONS or the estimates EVALUATIONS.

    PYTHONPATH=. python benchmarks/bench_optimiser_exact.py [--specs N]
"""

from __future__ import annotations

import argparse
import itertools
import time

import numpy as np

from hwnas.arch.sample import random_arch, random_branching_arch
from hwnas.board import load_board
from hwnas.cost import Folding, estimate, optimise
from hwnas.cost.mixed import Network, add_groups
from hwnas.cost.network import estimate_nodes
from hwnas.cost.node_cost import EVALUATORS, candidate_folds
from hwnas.cost.nodes import Pool, SlidingWindow, hardware_graph
from hwnas.cost.optimise import _normalised, plan_folding
from hwnas.errors import UserError

COMBINATIONS = 3_000_000
EVALUATIONS = 20_000
TRANSITIONS = 2_000_000
RATES = (2, 8, 32)


def specs(count: int):
    rng = np.random.default_rng(2026)
    made = []
    for i in range(count):
        kind = ("conv", "mlp", "branching")[i % 3]
        if kind == "branching":
            made.append((kind, random_branching_arch(rng, name=f"branching-{i}")))
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
    combinations = int(np.prod([len(options) for _, options in slots], dtype=np.float64))
    if combinations > COMBINATIONS:
        return None, f"{combinations:,} combinations"
    totals = np.zeros(1)
    for _, options in slots:
        totals = (totals[:, None] + np.array([c for _, c in options])[None, :]).ravel()
    order = np.argsort(totals, kind="stable")
    sizes = [len(options) for _, options in slots]
    groups = add_groups(hw_nodes, edges)
    best, evaluations = np.inf, 0
    for flat in order:
        if totals[flat] >= best - 1e-12:
            break
        picks = np.unravel_index(flat, sizes)
        folds = {}
        for (ix, options), k in zip(slots, picks):
            for i, f in zip(ix, options[k][0]):
                folds[i] = f
        if any(len({folds[k].pe for k in group}) > 1 for group in groups):
            continue
        evaluations += 1
        if evaluations > EVALUATIONS:
            return None, f"over {EVALUATIONS:,} estimates"
        result = estimate_nodes(arch.name, hw_nodes, Folding({hw_nodes[i].name: f for i, f in folds.items()}), board, edges=edges)
        best = min(best, _normalised(result, board))
    return (best, evaluations, f"{combinations:,} combinations"), None


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
    return (value, 1, f"{transitions:,} transitions"), None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--specs", type=int, default=33)
    args = parser.parse_args()
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
                  f"{searched}, {evaluations:,} estimated")
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
