"""Resource-aware folding: meet a frame rate with the least board-normalised resource use.

Every node's cycles only have to stay under the frame's cycle budget, and the resources of nodes add
up, so the cheapest folding for a budget is the cheapest legal folding of each node on its own (a
depthwise sliding-window unit and the Pool it feeds share one PE/SIMD value and count as one unit).
That makes the optimum exact, not greedy: each unit keeps its candidates sorted by cycles with a
running best, and a budget picks one entry per unit with a binary search.

Branches are then made consistent (``_match_adds``): an add streams its inputs at one PE, so the
ElementwiseAdd, the stream nodes feeding it and the threshold unit after it take the largest PE its
inputs' producers stream (faster, never slower, than each one's own choice), and an MVAU feeding it
at a smaller PE is raised to it. The totals, and so the fit check, count the FIFOs (hwnas.cost.fifos).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from hwnas.arch.spec import Arch
from hwnas.board import LIMITED_KINDS, Board
from hwnas.cost import mixed
from hwnas.cost.folding import Folding
from hwnas.cost.network import NetworkEstimate, estimate_nodes, fits, utilisation_of
from hwnas.cost.node_cost import EVALUATORS, shape_key, table
from hwnas.cost.nodes import hardware_graph, hardware_nodes
from hwnas.errors import UserError
from hwnas.hw import ElementwiseAdd, HwNode, Pool, SlidingWindow, Thresholding, swg
from hwnas.hw.fold import NodeFold


@dataclass(frozen=True)
class _Unit:
    """The candidates of nodes folded together, sorted by cycles (ascending); no names, so units are
    shared between architectures that contain the same layer shapes."""

    key: tuple
    pe: np.ndarray
    simd: np.ndarray
    parallel_window: np.ndarray
    cycles: np.ndarray  # the slowest of the unit's nodes
    lut: np.ndarray
    bram18: np.ndarray
    lanes: np.ndarray  # PE * SIMD: breaks ties in cost
    pair: bool  # a depthwise window unit and its Pool, sharing one value

    def folds(self, i: int) -> tuple[NodeFold, ...]:
        return self.fold_list[i]

    @cached_property
    def fold_list(self) -> list[tuple[NodeFold, ...]]:
        """Per candidate, its nodes' folds: built once per unit, the same objects for every network
        with it (``hwnas.cost.mixed`` keys its memo tables on their ids)."""
        if self.pair:
            # a depthwise window unit streams the Pool's PE channels per cycle
            return [(NodeFold(1, pe), NodeFold(pe)) for pe in self.pe.tolist()]
        return [
            (NodeFold(pe, simd, parallel),)
            for pe, simd, parallel in zip(self.pe.tolist(), self.simd.tolist(), self.parallel_window.tolist())
        ]

    @cached_property
    def cycle_list(self) -> list[int]:
        return self.cycles.tolist()


@dataclass(frozen=True)
class FoldingPlan:
    folding: Folding
    estimate: NetworkEstimate
    target_fps: float


def optimise_folding(arch: Arch, board: Board, *, fps: float) -> Folding:
    """The cheapest legal folding that reaches ``fps`` and fits the board; UserError otherwise."""
    return plan_folding(arch, board, fps=fps).folding


def finn_folding_config(arch: Arch, board: Board, *, fps: float) -> dict:
    """The optimiser's folding in FINN's folding_config format: what ``hwnas lower --fps`` applies."""
    return optimise_folding(arch, board, fps=fps).to_finn_config(hardware_nodes(arch))


def cheapest_folding(arch: Arch, board: Board, *, cycles_per_frame: int) -> Folding | None:
    """The least board-normalised resource use with every node within ``cycles_per_frame``, fit or not.

    None when no legal folding is that fast. Unlike :func:`optimise_folding` this does not check the
    board's limits: it answers the same question FINN's SetFolding does, for comparisons.
    """
    graph = hardware_graph(arch)
    units = _units(graph[0])
    if cycles_per_frame < _fastest(units):
        return None
    return _cheapest(units, _best_upto(units, board), cycles_per_frame, graph)


def plan_folding(arch: Arch, board: Board, *, fps: float) -> FoldingPlan:
    if not fps > 0:
        raise UserError(f"the target frame rate must be positive, got {fps}")
    hw_nodes, edges = hardware_graph(arch)
    units = _units(hw_nodes)
    best = _best_upto(units, board)
    budget = math.floor(board.clock_mhz * 1e6 / fps)
    fastest = _fastest(units)
    if budget >= fastest:
        if MIXED and all(len(reads) < 2 for reads in edges):
            folding, result = _mixed_chain(arch.name, hw_nodes, edges, units, best, budget, board)
        else:
            plans = _uniform_plans(arch.name, hw_nodes, edges, units, best, budget, board)
            folding, result = plans[0]
            if MIXED:
                folding, result = _mixed(arch.name, hw_nodes, edges, units, plans, budget, board)
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
    reachable_fps, binding = _reachable(arch.name, hw_nodes, edges, units, best, board)
    raise UserError(
        f"{arch.name} cannot reach {fps:,.0f} fps on {board.name} at {board.clock_mhz:g} MHz: {reason}. "
        f"The highest frame rate it reaches there is {reachable_fps:,.0f} fps; beyond it {binding} runs out first. "
        "Lower --fps, raise --clock-mhz, pick a larger board or a smaller architecture."
    )


def reachable_fps(arch: Arch, board: Board) -> tuple[float, str]:
    """The highest frame rate at which ``arch`` still fits ``board``, and what stops it going faster."""
    hw_nodes, edges = hardware_graph(arch)
    units = _units(hw_nodes)
    return _reachable(arch.name, hw_nodes, edges, units, _best_upto(units, board), board)


def _fastest(units) -> int:
    return max(int(u.cycles[0]) for _, u in units)


def _best_upto(units, board: Board) -> tuple[list[int], ...]:
    lut_weight, bram_weight = 1 / board.budget("lut"), _inverse(board.budget("bram18"))
    result = []
    for _, unit in units:
        key = (unit.key, lut_weight, bram_weight)
        found = _BEST.get(key)
        if found is None:
            if len(_BEST) >= _CACHE_LIMIT:
                _BEST.clear()
            found = _BEST[key] = _running_best(unit, lut_weight, bram_weight)
        result.append(found)
    return tuple(result)


def _running_best(unit: _Unit, lut_weight: float, bram_weight: float) -> list[int]:
    """Per candidate i, the index of the cheapest of candidates 0..i.

    Cost is board-normalised (LUT / usable LUT + BRAM18 / usable BRAM18; the nodes hwnas emits use no
    URAM or DSP in FINN's model). On equal cost the one with fewer lanes wins: FINN's model charges
    Pool and LabelSelect nothing, yet more PE is never free in hardware; then the faster one.
    """
    normalised = unit.lut * lut_weight + unit.bram18 * bram_weight
    order = np.lexsort((np.arange(len(normalised)), unit.lanes, normalised))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return order[np.minimum.accumulate(rank)].tolist()


_BEST: dict[tuple, list[int]] = {}
_UNITS: dict[tuple, _Unit] = {}
_CACHE_LIMIT = 1 << 16


def _inverse(budget: float) -> float:
    # a board without BRAM: any use fails the fit check anyway, so only the ordering matters here
    return 1 / budget if budget > 0 else 1.0


def _cheapest(units, best: tuple[list[int], ...], budget: int, graph) -> Folding:
    nodes = {}
    for (names, unit), best_upto in zip(units, best):
        upto = bisect_right(unit.cycle_list, budget) - 1
        nodes.update(zip(names, unit.fold_list[best_upto[upto]]))
    _match_adds(nodes, *graph)
    return Folding(nodes)


# how many tighter cycle budgets a branching network's plan also tries (see _cheapest_with_fifos)
FIFO_TRADE_BUDGETS = 48


def _cheapest_with_fifos(name, hw_nodes, edges, units, best, budget: int, board: Board):
    """The cheapest folding within ``budget``, FIFOs counted: on a branching network a faster long
    branch makes the skip FIFOs shallower, so the cheapest nodes for a tighter budget can cost less
    in all. Tries the cheapest nodes for up to FIFO_TRADE_BUDGETS cycle budgets from the fastest
    reachable to ``budget`` (each meets the target) and keeps the least board-normalised total."""
    return _uniform_plans(name, hw_nodes, edges, units, best, budget, board)[0]


def _uniform_plans(name, hw_nodes, edges, units, best, budget: int, board: Board):
    """The uniform plans ``_cheapest_with_fifos`` weighs, cheapest first (one for a chain)."""

    def plan(cycles: int):
        folding = _cheapest(units, best, int(cycles), (hw_nodes, edges))
        return folding, estimate_nodes(name, hw_nodes, folding, board, edges=edges)

    plans = [plan(budget)]
    if all(len(reads) < 2 for reads in edges):
        # a chain: its FIFOs only absorb bursts; the mixed search (below) weighs them
        return plans
    budgets = np.unique(np.concatenate([u.cycles for _, u in units]))
    budgets = budgets[(budgets >= _fastest(units)) & (budgets < budget)]
    if len(budgets) > FIFO_TRADE_BUDGETS:
        budgets = budgets[np.linspace(0, len(budgets) - 1, FIFO_TRADE_BUDGETS).astype(int)]
    plans += [plan(cycles) for cycles in budgets[::-1]]
    # stable: on equal totals the loosest budget (the first) stays ahead, as before
    return sorted(plans, key=lambda p: _normalised(p[1], board))


# whether plan_folding searches mixed foldings from the uniform optimum (hwnas.cost.mixed)
MIXED = True


def _mixed(name, hw_nodes, edges, units, plans, budget: int, board: Board):
    """The local search over per-node foldings (hwnas.cost.mixed) from the MIXED_STARTS cheapest
    uniform plans; the result is the cheapest of everything seen, and a mixed folding is kept only
    where it still fits when the uniform optimum did."""
    indexed = _indexed(hw_nodes, units)
    net = mixed.Network(hw_nodes, edges, board)
    groups = mixed.add_groups(hw_nodes, edges)
    chosen = plans[0]
    seen = []
    for folding, _ in plans[:MIXED_STARTS]:
        folds = [folding.of(node.name) for node in hw_nodes]
        improved = mixed.improve(net, indexed, list(folds), budget, groups)
        if improved == folds or improved in seen:
            continue
        seen.append(improved)
        candidate = Folding({node.name: f for node, f in zip(hw_nodes, improved)})
        estimate = estimate_nodes(name, hw_nodes, candidate, board, edges=edges)
        if _normalised(estimate, board) < _normalised(chosen[1], board) and (estimate.fits or not plans[0][1].fits):
            chosen = candidate, estimate
    return chosen


def _mixed_chain(name, hw_nodes, edges, units, best, budget: int, board: Board):
    """``_mixed`` on a chain (one uniform plan), estimating the uniform plan only when it is the
    answer or the mixed one does not fit: a mixed folding differs from its start only by moves that
    each lowered the exact total, so when it fits it is the choice."""
    graph = (hw_nodes, edges)
    uniform = _cheapest(units, best, budget, graph)
    folds = [uniform.of(node.name) for node in hw_nodes]
    improved = mixed.improve(mixed.Network(hw_nodes, edges, board), _indexed(hw_nodes, units), list(folds), budget, [])
    candidate = None
    if improved != folds:
        folding = Folding({node.name: f for node, f in zip(hw_nodes, improved)})
        candidate = folding, estimate_nodes(name, hw_nodes, folding, board, edges=edges)
        if candidate[1].fits:
            return candidate
    result = estimate_nodes(name, hw_nodes, uniform, board, edges=edges)
    if candidate is not None and not result.fits and _normalised(candidate[1], board) < _normalised(result, board):
        return candidate
    return uniform, result


def _indexed(hw_nodes, units) -> list[tuple[tuple[int, ...], _Unit]]:
    """``units`` with node indices instead of names, as ``mixed.improve`` takes them."""
    index = {node.name: i for i, node in enumerate(hw_nodes)}
    return [(tuple(index[n] for n in names), unit) for names, unit in units]


# how many of the cheapest uniform plans the mixed search starts from (a branching network's;
# a chain has one)
MIXED_STARTS = 4


def _normalised(result: NetworkEstimate, board: Board) -> float:
    return sum(getattr(result, kind) * _inverse(board.budget(kind)) for kind in ("lut", "bram18", "uram"))


def _match_adds(nodes: dict, hw_nodes, edges) -> None:
    """Give each ElementwiseAdd, its inputs and the threshold unit reading it one PE (in place)."""
    if not any(type(node) is ElementwiseAdd for node in hw_nodes):
        return  # a chain, or concats only
    readers: dict[int, list[int]] = {}
    for i, reads in enumerate(edges):
        for j in reads:
            readers.setdefault(j, []).append(i)
    groups = [
        [i, *edges[i], *(k for k in readers.get(i, ()) if type(hw_nodes[k]) is Thresholding)]
        for i, node in enumerate(hw_nodes) if type(node) is ElementwiseAdd
    ]
    changed = True
    while changed:  # a chained add's PE can rise with the next add's: PEs only rise, so this ends
        changed = False
        for group in groups:
            pe = max(nodes[hw_nodes[k].name].pe for k in group)
            for k in group:
                member, fold = hw_nodes[k], nodes[hw_nodes[k].name]
                if fold.pe != pe:
                    nodes[member.name] = NodeFold(pe, fold.simd, fold.parallel_window)
                    changed = True


def _reachable(name, hw_nodes, edges, units, best, board: Board) -> tuple[float, str]:
    """Highest fps whose cheapest folding fits, found by bisection over every achievable cycle count:
    first on the nodes alone (no FIFOs, so no kernel schedules), which no lower budget passes with
    its FIFOs either, then with the FIFOs from there up, in steps that double until one fits and a
    bisection back. Where fitting only gets easier as the budget grows (what a bisection assumes),
    that is the budget a bisection on the whole estimate finds, with a few whole estimates instead
    of one per step."""
    budgets = np.unique(np.concatenate([u.cycles for _, u in units]))
    budgets = budgets[budgets >= _fastest(units)]
    graph = (hw_nodes, edges)
    foldings: dict[int, Folding] = {}
    found: dict[int, NetworkEstimate] = {}

    def folding_at(at: int) -> Folding:
        if at not in foldings:
            foldings[at] = _cheapest(units, best, int(budgets[at]), graph)
        return foldings[at]

    def cheapest(at: int) -> NetworkEstimate:
        if at not in found:
            found[at] = estimate_nodes(name, hw_nodes, folding_at(at), board, edges=edges)
        return found[at]

    def nodes_fit(at: int) -> bool:
        folding = folding_at(at)
        totals = dict.fromkeys(LIMITED_KINDS, 0)
        for node in hw_nodes:
            cost = EVALUATORS[type(node)](node, folding.of(node.name))
            for kind in LIMITED_KINDS:
                totals[kind] += getattr(cost, kind)
        return fits(utilisation_of(totals, board))

    def first(passes, low: int, high: int) -> int:
        while low < high:
            mid = (low + high) // 2
            if passes(mid):
                high = mid
            else:
                low = mid + 1
        return low

    last = len(budgets) - 1
    slowest = cheapest(last)
    if not slowest.fits:
        return slowest.fps, f"{slowest.binding_resource.upper()} (even fully folded)"
    low = first(nodes_fit, 0, last)
    high, step = low, 1
    while not cheapest(high).fits:
        low, high, step = high + 1, min(high + step, last), 2 * step
    low = first(lambda at: cheapest(at).fits, low, high)
    reached = cheapest(low)
    if low == 0:
        return reached.fps, "parallelism (every node is already at its most parallel legal folding)"
    return reached.fps, cheapest(low - 1).binding_resource.upper()


@lru_cache(maxsize=1024)
def _units(hw_nodes: tuple[HwNode, ...]) -> tuple[tuple[tuple[str, ...], _Unit], ...]:
    """(node names, unit) per unit of the network, units shared by shape across architectures."""
    units = []
    skip = set()
    for i, node in enumerate(hw_nodes):
        if i in skip:
            continue
        if isinstance(node, SlidingWindow) and node.depthwise:
            pool = hw_nodes[i + 1]
            assert isinstance(pool, Pool), "a depthwise window unit always feeds a Pool"
            skip.add(i + 1)
            units.append(((node.name, pool.name), _cached_unit((shape_key(node), shape_key(pool)), node, pool)))
        else:
            units.append(((node.name,), _cached_unit((shape_key(node),), node)))
    return tuple(units)


def _cached_unit(key: tuple, *nodes: HwNode) -> _Unit:
    found = _UNITS.get(key)
    if found is None:
        if len(_UNITS) >= _CACHE_LIMIT:
            _UNITS.clear()
        found = _UNITS[key] = _build_unit(key, *nodes)
    return found


def _build_unit(key: tuple, *nodes: HwNode) -> _Unit:
    if len(nodes) == 2:
        window, pool = nodes
        # SetFolding ties the window unit's SIMD to the Pool's PE (Pool's PE divides the channels,
        # as does every SIMD of the window's table: the two tables line up entry by entry)
        window_table, pool_table = swg.table(window, allow_parallel=False), table(pool)
        assert np.array_equal(window_table.simd, pool_table.pe)
        pe, simd, parallel = pool_table.pe, window_table.simd, window_table.parallel_window
        cycles = np.maximum(window_table.cycles, pool_table.cycles)
        lut, bram18 = window_table.lut + pool_table.lut, window_table.bram18 + pool_table.bram18
    else:
        t = table(nodes[0])
        pe, simd, parallel, cycles, lut, bram18 = t.pe, t.simd, t.parallel_window, t.cycles, t.lut, t.bram18
    order = np.argsort(cycles, kind="stable")
    return _Unit(
        key=key, pe=pe[order], simd=simd[order], parallel_window=parallel[order], cycles=cycles[order],
        lut=lut[order], bram18=bram18[order], lanes=(pe * simd)[order], pair=len(nodes) == 2,
    )
