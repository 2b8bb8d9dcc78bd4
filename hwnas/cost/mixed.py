"""Mixed foldings: a local search from the uniform optimum over per-node foldings, FIFOs counted.

The uniform optimum (``hwnas.cost.optimise``) gives every unit its cheapest candidate within one
cycle budget. That is exact for the nodes alone, but a stream's FIFO depends on both ends: a sliding
window at SIMD 1 feeding an MVAU at SIMD 2 needs a width converter with a deep FIFO on each side,
where a window at SIMD 2 (dearer on its own) needs almost none. So the search moves from the uniform
optimum, one unit at a time or a producer and its consumer together at matched word widths, and an
add's whole group (its inputs, the add, the threshold after it) to one PE, keeping every move that
lowers the board-normalised total (LUT / usable + BRAM18 / usable + URAM / usable, nodes and FIFOs).
Every node stays within the cycle budget, so each step still meets the target.

The total is the estimate's own: node costs from the evaluators, FIFOs sized and costed exactly as
``hwnas.cost.fifos.stream_fifos`` does (same stages, lags, join lateness and FIFO model), kept in
memo tables per network so that a move re-costs only what it changes. A candidate is tried only if
the node resources it adds are less than the FIFO cost it could remove (those on its streams; on a
branching network, every FIFO), which prunes nothing the move could gain from.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right

import numpy as np

from hwnas.cost.bursts import MIN_DEPTH, burst_depth, kernel, lag, pair_stages
from hwnas.cost.fifos import _element_bits, _padded, fifo_cost
from hwnas.cost.node_cost import EVALUATORS, shape_key
from hwnas.hw import ElementwiseAdd, Thresholding
from hwnas.hw.fold import NodeFold



class _Node:  # what _element_bits reads: .node
    __slots__ = ("node",)

    def __init__(self, node):
        self.node = node


class Network:
    """One network on one board: the exact board-normalised total of any folding.

    Node and stream costs are memoised across networks, by shape (``shape_key``) and by the fold
    objects' ids: hashing a NodeFold is a Python call, and the unit tables (``_unit_table``) hand
    out the same fold objects to every network with that shape. Each memo entry holds its folds, so
    an id cannot be reused while its entry lives."""

    def __init__(self, hw_nodes, edges, board):
        self.nodes, self.edges = hw_nodes, edges
        self.part, self.has_uram = board.part, board.resources.uram > 0
        self.w = tuple(_inverse(board.budget(kind)) for kind in ("lut", "bram18", "uram"))
        self.joins = any(len(reads) > 1 for reads in edges)
        wrapped = [_Node(n) for n in hw_nodes]
        shapes = [shape_key(n) for n in hw_nodes]
        self.node_id = [_intern((shape, self.w)) for shape in shapes]
        self.bits, self.edge_id = {}, {}
        for i, reads in enumerate(edges):
            for p, j in enumerate(reads):
                bits = self.bits[(i, p)] = _element_bits(wrapped, edges, i, p)
                key = (shapes[j], shapes[i], p, bits, len(reads) > 1, self.part, self.has_uram, self.w)
                self.edge_id[(i, p)] = _intern(key)
        self.readers: list[list[tuple[int, int]]] = [[] for _ in hw_nodes]
        for i, reads in enumerate(edges):
            for port, j in enumerate(reads):
                self.readers[j].append((i, port))
        if len(_EDGES) > _MEMO_LIMIT or len(_NODES) > _MEMO_LIMIT:
            _EDGES.clear(), _NODES.clear(), _LATE.clear(), _IDS.clear()

    def node_cost(self, i: int, fold: NodeFold) -> float:
        key = (self.node_id[i], id(fold))
        found = _NODES.get(key)
        if found is None:
            node = self.nodes[i]
            c = EVALUATORS[type(node)](node, fold)
            found = _NODES[key] = (c.lut * self.w[0] + c.bram18 * self.w[1] + c.uram * self.w[2], fold)
        return found[0]

    def _stages(self, i, port, fold_j, fold_i):
        """(stages, summed lag, cost of the stream at no lateness, ...) of input ``port`` of node i."""
        key = (self.edge_id[(i, port)], id(fold_j), id(fold_i))
        found = _EDGES.get(key)
        if found is None:
            j = self.edges[i][port]
            path = pair_stages(self.nodes[j], fold_j, self.nodes[i], fold_i, port)
            join = len(self.edges[i]) > 1
            cost = 0.0
            for stage in path:
                cost += self._fifo(stage, i, port, burst_depth(stage), join and stage is path[-1])
            found = _EDGES[key] = (path, sum(lag(s) for s in path), cost, fold_j, fold_i)
        return found

    def _fifo(self, stage, i, port, depth, keep) -> float:
        if not keep and depth <= MIN_DEPTH:
            return 0.0
        _, lut, bram18, uram = fifo_cost(depth, _padded(stage[1][1] * self.bits[(i, port)]), self.part, self.has_uram)
        return lut * self.w[0] + bram18 * self.w[1] + uram * self.w[2]

    def edge(self, i, port, fold_j, fold_i) -> float:
        """A stream's FIFOs where its consumer is not late (every stream of a node with one input)."""
        return self._stages(i, port, fold_j, fold_i)[2]

    def edge_cost(self, i, port, folds) -> float:
        return self._stages(i, port, folds[self.edges[i][port]], folds[i])[2]

    def _late(self, i, p, found, late) -> float:
        key = (self.edge_id[(i, p)], id(found[3]), id(found[4]), late)
        cost = _LATE.get(key)
        if cost is None:
            cost = 0.0
            path = found[0]
            for stage in path:
                at_consumer = stage is path[-1]
                depth = burst_depth(stage, late=late if at_consumer else 0.0)
                cost += self._fifo(stage, i, p, depth, at_consumer)
            _LATE[key] = cost  # its folds stay alive in _EDGES, which is cleared with it
        return cost

    def fifo_total(self, folds) -> float:
        """Every FIFO's normalised cost, as ``stream_fifos`` sizes them."""
        if not self.joins:
            return sum(self.edge_cost(i, 0, folds) for i in range(1, len(folds)) if self.edges[i])
        starts: list[float] = []
        total = 0.0
        for i, reads in enumerate(self.edges):
            if not reads:
                starts.append(0.0)
                continue
            if len(reads) == 1:
                found = self._stages(i, 0, folds[reads[0]], folds[i])
                starts.append(starts[reads[0]] + found[1])
                total += found[2]
                continue
            found = [self._stages(i, p, folds[j], folds[i]) for p, j in enumerate(reads)]
            ready = [starts[j] + f[1] for j, f in zip(reads, found)]
            start = max(ready)
            starts.append(start)
            for p, f in enumerate(found):
                late = start - ready[p]
                total += self._late(i, p, f, late) if late else f[2]
        return total

    def total(self, folds) -> float:
        return sum(self.node_cost(i, f) for i, f in enumerate(folds)) + self.fifo_total(folds)


_NODES: dict = {}
_EDGES: dict = {}
_LATE: dict = {}
_IDS: dict = {}
_MEMO_LIMIT = 1 << 18


_NEXT_ID = itertools.count()


def _intern(key) -> int:
    found = _IDS.get(key)
    if found is None:
        found = _IDS[key] = next(_NEXT_ID)  # never reused: clearing _IDS with the memos is safe
    return found


def _inverse(budget: float) -> float:
    return 1 / budget if budget > 0 else 1.0


def improve(net: Network, units, folds: list, budget: int, groups) -> list:
    """The local search: ``units`` as ``optimise._units`` gives them with node indices, ``folds``
    the starting folding by node index (returned improved), ``groups`` the add groups (node
    indices sharing one PE).

    Moves start where a FIFO costs something: for each stream with a FIFO, its consumer's unit
    alone, its producer's alone, and the two together at one word width (the producer's output
    elements per word equal to the consumer's input), each tried in the order of the node
    resources it adds and only while that is less than the FIFO cost it could remove; then each
    add's group at every PE its members share. A move is kept when the exact total falls."""
    unit_nodes = [ix for ix, _ in units]
    owner = {}
    for u, ix in enumerate(unit_nodes):
        for i in ix:
            owner[i] = u
    tables = [_unit_table(unit, ix, net) for ix, unit in units]
    within = [bisect_right(unit.cycle_list, budget) for _, unit in units]
    # the tables' own fold objects, so that the memo keys (their ids) repeat
    folds = list(folds)
    k_of = []  # per unit: its candidate index for the current folds (-1: raised to an add's PE, off the table)
    for u, ix in enumerate(unit_nodes):
        k = tables[u].index.get(tuple(folds[i] for i in ix))
        k_of.append(-1 if k is None else k)
        if k is not None:
            for i, f in zip(ix, tables[u].folds[k]):
                folds[i] = f
    chain = not net.joins and not groups
    long_chain = chain and len(units) > LONG_CHAIN_UNITS
    moves_per_unit, moves_per_pair, max_sweeps = LIMITS_CHAIN if long_chain else LIMITS_BRANCHING
    current = net.total(folds)
    edges, readers = net.edges, net.readers

    def find(u) -> int:
        # the unit's candidate index for the current folds (-1: raised to an add's PE, off the table)
        return tables[u].index.get(tuple(folds[i] for i in unit_nodes[u]), -1)


    def chosen(u) -> int:
        return k_of[u]

    def chosen_or(u) -> int:
        k = chosen(u)
        return k if k >= 0 else 0

    def here_cost(u) -> float:
        k = chosen(u)
        return tables[u].cost_list[k] if k >= 0 else sum(net.node_cost(i, folds[i]) for i in unit_nodes[u])

    # per node: the streams into and out of it, as (consumer, port, producer)
    streams_of = [[(i, p, edges[i][p]) for p in range(len(edges[i]))] + [(c, p, i) for c, p in readers[i]]
                  for i in range(len(edges))]
    # a chain's FIFO cost per stream at the current folds, kept up to date
    edge_now = {(c, p): net.edge_cost(c, p, folds) for c, reads in enumerate(edges) for p in range(len(reads))}

    touched_by: dict = {}

    def touched(members) -> list:
        found = touched_by.get(members)
        if found is None:
            found = touched_by[members] = list({s for i in members for s in streams_of[i]})
        return found

    def evaluate(changes: dict, dnode: float, near: list) -> tuple[float, list | None]:
        if chain:
            # only the changed nodes and their streams: dnode is their change in node cost
            delta = dnode
            edge = net.edge
            for c, p, j in near:
                delta += edge(c, p, changes.get(j, folds[j]), changes.get(c, folds[c])) - edge_now[(c, p)]
            return current + delta, None
        trial = list(folds)
        for i, f in changes.items():
            trial[i] = f
        if groups:
            _raise_groups(trial, groups)
        return net.total(trial), trial

    def streams(members) -> float:
        # the FIFO cost a change to these nodes could remove: their own streams on a chain, all on
        # a branching network (a branch's pace moves every later join's skip FIFO)
        if not chain:
            return net.fifo_total(folds)
        return sum(edge_now[(c, p)] for c, p, _ in touched(members))

    def attempt(moves, near) -> bool:
        """``moves``: (added node cost, changes) in ascending added cost; keeps the first that
        lowers the total. ``near``: the streams the changes touch."""
        nonlocal current
        for dnode, changes in moves:
            total, trial = evaluate(changes, dnode, near)
            if total < current - 1e-12:
                current = total
                if trial is None:
                    for i, f in changes.items():
                        folds[i] = f
                    for c, p, _ in near:
                        edge_now[(c, p)] = net.edge_cost(c, p, folds)
                    for u in {owner[i] for i in changes}:
                        k_of[u] = find(u)
                else:
                    folds[:] = trial
                    k_of[:] = [find(u) for u in range(len(units))]
                return True
        return False

    def single_one(u) -> bool:
        # one candidate a move (a long chain): the cheapest within the budget, first on ties, which
        # is what ``single`` tries first; nothing when that is the current one
        ix, t = unit_nodes[u], tables[u]
        k = t.cheapest(within[u])
        if k == chosen(u):
            return False
        extra = t.cost_list[k] - here_cost(u)
        if not extra < streams(ix):
            return False
        return attempt(((extra, dict(zip(ix, t.folds[k]))),), touched(ix))

    def single(u) -> bool:
        ix, t = unit_nodes[u], tables[u]
        bound = streams(ix)
        if bound <= 0:
            return False
        k_now = chosen(u)
        extra = t.cost[: within[u]] - here_cost(u)
        keep = extra < bound
        if MATCHED_ONLY:
            match = np.zeros(len(extra), dtype=bool)
            for i in ix[:1]:
                for j in edges[i]:
                    match |= t.elems_in[: within[u]] == tables[owner[j]].elems_out[chosen_or(owner[j])]
            for c, _ in readers[ix[-1]]:
                match |= t.elems_out[: within[u]] == tables[owner[c]].elems_in[chosen_or(owner[c])]
            keep &= match
        order = np.flatnonzero(keep)
        order = order[np.argsort(extra[order], kind="stable")][:moves_per_unit]
        return attempt(((float(extra[k]), dict(zip(ix, t.folds[k]))) for k in order.tolist() if k != k_now), touched(ix))

    def pair_one(i, port) -> bool:
        # one candidate a move: ``pair``'s first, the least added cost (then the least producer-side
        # index, then consumer-side) over matched word widths, from each width's cheapest candidate
        # on each side instead of every combination
        ui, uj = owner[i], owner[edges[i][port]]
        ti, tj = tables[ui], tables[uj]
        matched = ti.matched(within[ui], tj, within[uj])
        if not matched:
            return False
        here_i, here_j = here_cost(ui), here_cost(uj)
        added, ka, kb = min(((ci - here_i) + (cj - here_j), ka, kb) for ka, kb, ci, cj in matched)
        if (ka, kb) == (chosen(ui), chosen(uj)):
            return False
        ixi, ixj = unit_nodes[ui], unit_nodes[uj]
        if not added < streams(ixi + ixj):
            return False
        return attempt(((added, {**dict(zip(ixi, ti.folds[ka])), **dict(zip(ixj, tj.folds[kb]))}),), touched(ixi + ixj))

    def pair(i, port) -> bool:
        # the producer's unit and the consumer's together, at one word width
        ui, uj = owner[i], owner[edges[i][port]]
        ti, tj, ni, nj = tables[ui], tables[uj], within[ui], within[uj]
        ixi, ixj = unit_nodes[ui], unit_nodes[uj]
        bound = streams(ixi + ixj)
        if bound <= 0:
            return False
        extra_i, extra_j = ti.cost[:ni] - here_cost(ui), tj.cost[:nj] - here_cost(uj)
        both = extra_i[:, None] + extra_j[None, :]
        a, b = np.nonzero((ti.elems_in[:ni, None] == tj.elems_out[None, :nj]) & (both < bound))
        if not len(a):
            return False
        order = np.argsort(both[a, b], kind="stable")[:moves_per_pair]
        now = (chosen(ui), chosen(uj))
        return attempt((
            (float(extra_i[ka] + extra_j[kb]), {**dict(zip(ixi, ti.folds[ka])), **dict(zip(ixj, tj.folds[kb]))})
            for ka, kb in zip(a[order].tolist(), b[order].tolist()) if (ka, kb) != now
        ), touched(ixi + ixj))

    # the units next to each unit (sharing a stream): a change re-opens their moves
    near = [set() for _ in units]
    streams_between = [(i, p) for i, reads in enumerate(edges) for p, j in enumerate(reads) if owner[i] != owner[j]]
    for i, p in streams_between:
        a, b = owner[i], owner[edges[i][p]]
        near[a].add(b), near[b].add(a)
    if ONE_MOVE_FAST_PATHS and moves_per_unit == 1 and not MATCHED_ONLY:
        single = single_one
    if ONE_MOVE_FAST_PATHS and moves_per_pair == 1:
        pair = pair_one
    dirty = set(range(len(units)))
    for _ in range(max_sweeps):
        if not dirty:
            break
        changed = set()
        for u in sorted(dirty):
            if single(u):
                changed.add(u)
        for i, p in streams_between:
            ui, uj = owner[i], owner[edges[i][p]]
            if (ui in dirty or uj in dirty) and (not chain or edge_now[(i, p)] > 0) and pair(i, p):
                changed.update((ui, uj))
        # an add's group to one PE, each member at its cheapest candidate with that PE
        for group in groups:
            for pe in _group_pes(group, tables, within, owner, unit_nodes):
                changes = {}
                for k in group:
                    u = owner[k]
                    t = tables[u]
                    at = np.flatnonzero(t.pe_of[unit_nodes[u].index(k)][: within[u]] == pe)
                    changes.update(zip(unit_nodes[u], t.folds[int(at[np.argmin(t.cost[at])])]))
                if any(folds[k] != f for k, f in changes.items()) and attempt([(0.0, changes)], []):
                    changed.update(owner[k] for k in group)
        if not chain and changed:
            changed = set(range(len(units)))  # a branch's pace moves every later join's FIFOs
        dirty = set().union(changed, *(near[u] for u in changed))
    return folds


# (candidates tried per unit, per producer-consumer pair, cheapest first; sweeps at most). A
# branching network's skip FIFOs hold whole shares of a frame, and a short chain is cheap to search:
# both get the thorough search. A long chain (CNV-sized) gets one candidate per move and one sweep:
# its moves each run new kernel schedules (hwnas.cost.bursts), and a search plans thousands of
# them; that keeps about two thirds of the thorough search's saving at a fraction of its time.
LIMITS_CHAIN = (1, 1, 1)
LIMITS_BRANCHING = (6, 6, 6)
LONG_CHAIN_UNITS = 12
MATCHED_ONLY = False
# one candidate a move (a long chain): take it from per-width minima (``_UnitTable.matched``)
# rather than sorting every combination; the same move (tests/cost/test_cost_optimise.py)
ONE_MOVE_FAST_PATHS = True


class _UnitTable:
    """A unit's candidates (the unit's order, by cycles): folds, normalised node cost, elements per
    word on its input and output, each member's PE. Shared by every network with the unit's shape."""

    def __init__(self, unit, nodes, w):
        self.folds = unit.fold_list
        self.index = {fs: k for k, fs in enumerate(self.folds)}
        self.cost = unit.lut * w[0] + unit.bram18 * w[1]
        self.cost_list = self.cost.tolist()
        self.elems_in = np.array([kernel(nodes[0], fs[0])[1] for fs in self.folds], dtype=np.int64)
        self.elems_out = np.array([kernel(nodes[-1], fs[-1])[2] for fs in self.folds], dtype=np.int64)
        self.pe_of = [np.array([fs[m].pe for fs in self.folds], dtype=np.int64) for m in range(len(nodes))]
        self._cheapest: dict[int, int] = {}
        self._by_width: dict[tuple[int, str], tuple[np.ndarray, np.ndarray]] = {}
        self._matched: dict[tuple[int, int, int], tuple] = {}

    def cheapest(self, n: int) -> int:
        """The cheapest of the first ``n`` candidates (the first of equals)."""
        found = self._cheapest.get(n)
        if found is None:
            found = self._cheapest[n] = int(np.argmin(self.cost[:n]))
        return found

    def cheapest_by_width(self, n: int, side: str) -> tuple[np.ndarray, np.ndarray]:
        """Per word width (elements per word on ``side``, "in" or "out"), ascending, the cheapest
        of the first ``n`` candidates with it (the first of equals)."""
        found = self._by_width.get((n, side))
        if found is None:
            elems = (self.elems_in if side == "in" else self.elems_out)[:n]
            order = np.lexsort((np.arange(n), self.cost[:n], elems))  # by width, then cost, then index
            first = np.ones(n, dtype=bool)
            first[1:] = elems[order[1:]] != elems[order[:-1]]
            found = self._by_width[(n, side)] = (elems[order[first]], order[first])
        return found

    def matched(self, n: int, producer: "_UnitTable", m: int) -> list[tuple[int, int, float, float]]:
        """Per word width this unit's first ``n`` candidates read and ``producer``'s first ``m``
        write: (this unit's cheapest with it, the producer's, their two costs)."""
        key = (id(producer), n, m)
        found = self._matched.get(key)
        if found is None or found[0] is not producer:  # the producer object held: its id stays its own
            widths_i, best_i = self.cheapest_by_width(n, "in")
            widths_j, best_j = producer.cheapest_by_width(m, "out")
            _, at_i, at_j = np.intersect1d(widths_i, widths_j, assume_unique=True, return_indices=True)
            rows = [(int(a), int(b), float(self.cost[a]), float(producer.cost[b])) for a, b in zip(best_i[at_i], best_j[at_j])]
            found = self._matched[key] = (producer, rows)
        return found[1]


_TABLES: dict[tuple, tuple] = {}
_TABLES_LIMIT = 1 << 14


def _unit_table(unit, ix, net: Network) -> _UnitTable:
    # keyed by the unit object (shared by shape, ``optimise._cached_unit``), held in the entry so
    # that its id stays its own: hashing the unit's shape key costs more than the table lookup
    key = (id(unit), net.w)
    found = _TABLES.get(key)
    if found is None or found[0] is not unit:
        if len(_TABLES) >= _TABLES_LIMIT:
            _TABLES.clear()
        found = _TABLES[key] = (unit, _UnitTable(unit, [net.nodes[i] for i in ix], net.w))
    return found[1]


def _group_pes(group, tables, within, owner, unit_nodes) -> list[int]:
    common = None
    for k in group:
        u = owner[k]
        pes = set(tables[u].pe_of[unit_nodes[u].index(k)][: within[u]].tolist())
        common = pes if common is None else common & pes
    return sorted(common or ())


def _raise_groups(folds: list, groups) -> None:
    """``optimise._match_adds`` on a list by node index: each group takes its members' largest PE."""
    changed = True
    while changed:
        changed = False
        for group in groups:
            pe = max(folds[k].pe for k in group)
            for k in group:
                fold = folds[k]
                if fold.pe != pe:
                    folds[k] = NodeFold(pe, fold.simd, fold.parallel_window)
                    changed = True


def add_groups(hw_nodes, edges) -> list[list[int]]:
    """Per ElementwiseAdd: itself, the nodes it reads and the threshold units reading it."""
    readers: dict[int, list[int]] = {}
    for i, reads in enumerate(edges):
        for j in reads:
            readers.setdefault(j, []).append(i)
    return [
        [i, *edges[i], *(k for k in readers.get(i, ()) if type(hw_nodes[k]) is Thresholding)]
        for i, node in enumerate(hw_nodes) if type(node) is ElementwiseAdd
    ]

