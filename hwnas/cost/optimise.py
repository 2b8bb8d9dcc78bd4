"""Resource-aware folding: meet a frame rate with the least board-normalised resource use.

Every node's cycles only have to stay under the frame's cycle budget, and the resources of nodes add
up, so the cheapest folding for a budget is the cheapest legal folding of each node on its own (a
depthwise sliding-window unit and the Pool it feeds share one PE/SIMD value and count as one unit).
That makes the optimum exact, not greedy: each unit keeps its candidates sorted by cycles with a
running minimum of cost, and a budget picks one entry per unit with a binary search.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from hwnas.arch.spec import Arch
from hwnas.board import LIMITED_KINDS, Board
from hwnas.cost.fold import NodeFold
from hwnas.cost.folding import Folding
from hwnas.cost.network import NetworkEstimate, estimate_nodes
from hwnas.cost.node_cost import candidate_folds, cost
from hwnas.cost.nodes import HwNode, Pool, SlidingWindow, hardware_nodes
from hwnas.errors import UserError


@dataclass(frozen=True)
class _Unit:
    """Nodes folded together, with their candidates sorted by cycles (ascending)."""

    names: tuple[str, ...]
    folds: tuple[tuple[NodeFold, ...], ...]  # per candidate, one fold per node
    cycles: np.ndarray  # per candidate, the slowest node's cycles
    usage: np.ndarray  # per candidate, (lut, bram18, uram, dsp)
    lanes: np.ndarray  # per candidate, PE * SIMD summed over the unit's nodes


@dataclass(frozen=True)
class FoldingPlan:
    folding: Folding
    estimate: NetworkEstimate
    target_fps: float


def optimise_folding(arch: Arch, board: Board, *, fps: float) -> Folding:
    """The cheapest legal folding that reaches ``fps`` and fits the board; UserError otherwise."""
    return plan_folding(arch, board, fps=fps).folding


def plan_folding(arch: Arch, board: Board, *, fps: float) -> FoldingPlan:
    if not fps > 0:
        raise UserError(f"the target frame rate must be positive, got {fps}")
    hw_nodes = hardware_nodes(arch)
    units = _units(hw_nodes)
    weights = _weights(board)
    best = tuple(_cheapest_upto(u, weights) for u in units)
    budget = math.floor(board.clock_mhz * 1e6 / fps)
    fastest = max(int(u.cycles[0]) for u in units)
    if budget >= fastest:
        folding = _cheapest(units, best, budget)
        result = estimate_nodes(arch.name, hw_nodes, folding, board)
        if result.fits:
            return FoldingPlan(folding, result, fps)
        over = ", ".join(
            f"{kind.upper()} {getattr(result, kind):,} of {board.budget(kind):,.0f} usable ({result.utilisation[kind]:.0%})"
            for kind in LIMITED_KINDS
            if result.utilisation[kind] > 1
        )
        reason = f"the cheapest folding that reaches it does not fit: {over}"
    else:
        reason = f"no legal folding is fast enough (the fastest needs {fastest:,} cycles per frame, the target allows {budget:,})"
    reachable_fps, binding = _reachable(arch.name, hw_nodes, units, best, board)
    raise UserError(
        f"{arch.name} cannot reach {fps:,.0f} fps on {board.name} at {board.clock_mhz:g} MHz: {reason}. "
        f"The highest frame rate it reaches there is {reachable_fps:,.0f} fps; beyond it {binding} runs out first. "
        "Lower --fps, raise --clock-mhz, pick a larger board or a smaller architecture."
    )


def _weights(board: Board) -> np.ndarray:
    # resources the board lacks cannot be used at all; a zero weight keeps them out of the cost
    return np.array([1 / board.budget(k) if board.budget(k) > 0 else 0.0 for k in LIMITED_KINDS])


def _cheapest(units: tuple[_Unit, ...], best: tuple[np.ndarray, ...], budget: int) -> Folding:
    nodes = {}
    for unit, cheapest_upto in zip(units, best):
        upto = int(np.searchsorted(unit.cycles, budget, side="right")) - 1
        cheapest = int(cheapest_upto[upto])
        nodes.update(zip(unit.names, unit.folds[cheapest]))
    return Folding(nodes)


def _reachable(name, hw_nodes, units, best, board: Board) -> tuple[float, str]:
    """Highest fps whose cheapest folding fits, found by bisection over every achievable cycle count."""
    budgets = np.unique(np.concatenate([u.cycles for u in units]))
    budgets = budgets[budgets >= max(int(u.cycles[0]) for u in units)]

    def fits(budget: int) -> NetworkEstimate:
        return estimate_nodes(name, hw_nodes, _cheapest(units, best, int(budget)), board)

    low, high = 0, len(budgets) - 1
    if not fits(budgets[high]).fits:
        slowest = fits(budgets[high])
        return board.clock_mhz * 1e6 / slowest.cycles_per_frame, slowest.binding_resource.upper()
    while low < high:
        mid = (low + high) // 2
        if fits(budgets[mid]).fits:
            high = mid
        else:
            low = mid + 1
    reached = fits(budgets[low])
    if low == 0:
        return reached.fps, "parallelism (every node is already at its most parallel legal folding)"
    too_fast = fits(budgets[low - 1])
    return reached.fps, too_fast.binding_resource.upper()


def _units(hw_nodes: tuple[HwNode, ...]) -> tuple[_Unit, ...]:
    return _units_cached(hw_nodes)


@lru_cache(maxsize=1024)
def _units_cached(hw_nodes: tuple[HwNode, ...]) -> tuple[_Unit, ...]:
    units = []
    skip = set()
    for i, node in enumerate(hw_nodes):
        if i in skip:
            continue
        if isinstance(node, SlidingWindow) and node.depthwise:
            pool = hw_nodes[i + 1]
            assert isinstance(pool, Pool), "a depthwise window unit always feeds a Pool"
            skip.add(i + 1)
            # SetFolding ties the window unit's SIMD to the Pool's PE, and FINN needs it
            candidates = [
                (NodeFold(1, f.pe), f) for f in candidate_folds(pool)
            ]
            units.append(_unit((node, pool), candidates))
        else:
            units.append(_unit((node,), [(f,) for f in candidate_folds(node)]))
    return tuple(units)


def _unit(nodes: tuple[HwNode, ...], candidates: list[tuple[NodeFold, ...]]) -> _Unit:
    costs = [[cost(n, f) for n, f in zip(nodes, folds)] for folds in candidates]
    cycles = np.array([max(c.cycles_per_frame for c in cs) for cs in costs], dtype=np.int64)
    usage = np.array([[sum(getattr(c, k) for c in cs) for k in LIMITED_KINDS] for cs in costs], dtype=np.float64)
    lanes = np.array([sum(f.pe * f.simd for f in folds) for folds in candidates], dtype=np.int64)
    order = np.argsort(cycles, kind="stable")
    return _Unit(
        names=tuple(n.name for n in nodes),
        folds=tuple(candidates[i] for i in order),
        cycles=cycles[order],
        usage=usage[order],
        lanes=lanes[order],
    )


def _cheapest_upto(unit: _Unit, weights: np.ndarray) -> np.ndarray:
    """Per candidate i, the cheapest of candidates 0..i.

    On equal cost the one with fewer lanes wins: FINN's model charges Pool and LabelSelect nothing,
    yet more PE is never free in hardware.
    """
    normalised = unit.usage @ weights
    best = np.empty(len(normalised), dtype=np.int64)
    current = 0
    for i, value in enumerate(normalised):
        if value < normalised[current] or (value == normalised[current] and unit.lanes[i] < unit.lanes[current]):
            current = i
        best[i] = current
    return best
