"""One entry point per node: legality and cost of a folding, dispatched on the node's kind."""

from __future__ import annotations

from typing import NamedTuple

from hwnas.cost import mvau, simple_nodes, swg
from hwnas.cost.fold import NodeFold, divisors
from hwnas.cost.nodes import MVAU, HwNode, LabelSelect, Padding, Pool, SlidingWindow
from hwnas.cost.table import Table


class NodeCost(NamedTuple):
    """Immutable like a frozen dataclass, but a tuple: the search builds millions of them."""

    cycles_per_frame: int
    lut: int
    bram18: int
    uram: int = 0  # FINN places weights in URAM only with ram_style "ultra", which hwnas never sets
    dsp: int = 0  # resType "auto" is charged as LUT multipliers by FINN's model


def legal(node: HwNode, fold: NodeFold) -> bool:
    if isinstance(node, MVAU):
        return not fold.parallel_window and mvau.legal(node, fold)
    if isinstance(node, SlidingWindow):
        return fold.pe == 1 and swg.legal(node, fold)
    if isinstance(node, Pool):
        return fold.simd == 1 and not fold.parallel_window and simple_nodes.pool_legal(node, fold)
    if isinstance(node, LabelSelect):
        return fold.simd == 1 and not fold.parallel_window and simple_nodes.labelselect_legal(node, fold)
    if isinstance(node, Padding):
        return fold.pe == 1 and not fold.parallel_window and simple_nodes.padding_legal(node, fold)
    raise TypeError(f"unknown node {node!r}")


def cost(node: HwNode, fold: NodeFold) -> NodeCost:
    # a dict lookup on the type: this runs once per node per estimate, in the search's inner loop
    return _COST[type(node)](node, fold)


def _mvau_cost(node: MVAU, fold: NodeFold) -> NodeCost:
    return NodeCost(*mvau.evaluate(node, fold))


def _window_cost(node: SlidingWindow, fold: NodeFold) -> NodeCost:
    return NodeCost(swg.cycles(node, fold), swg.lut(node, fold), 0)


_COST = {
    MVAU: _mvau_cost,
    SlidingWindow: _window_cost,
    Pool: lambda node, fold: NodeCost(simple_nodes.pool_cycles(node, fold), 0, 0),
    LabelSelect: lambda node, fold: NodeCost(simple_nodes.labelselect_cycles(node, fold), 0, 0),
    Padding: lambda node, fold: NodeCost(simple_nodes.padding_cycles(node, fold), 0, 0),
}


def table(node: HwNode) -> Table:
    """Every legal folding with its cost, vectorised (the optimiser's search space).

    Cached on the node's shape, not its name or position: a search meets the same layer shapes in
    architecture after architecture, and the tables are read-only.
    """
    key = shape_key(node)
    found = _TABLES.get(key)
    if found is None:
        if len(_TABLES) >= _TABLES_LIMIT:
            _TABLES.clear()
        found = _TABLES[key] = _build_table(node)
    return found


def shape_key(node: HwNode) -> tuple:
    """What a node's cost depends on: everything but its name and layer index."""
    return (type(node), *(getattr(node, f) for f in node.__dataclass_fields__ if f not in ("name", "layer")))


_TABLES: dict[tuple, Table] = {}
_TABLES_LIMIT = 1 << 16


def _build_table(node: HwNode) -> Table:
    if isinstance(node, MVAU):
        result = mvau.table(node)
    elif isinstance(node, SlidingWindow):
        result = swg.table(node)
    elif isinstance(node, Pool):
        result = simple_nodes.pool_table(node)
    elif isinstance(node, LabelSelect):
        result = simple_nodes.labelselect_table(node)
    elif isinstance(node, Padding):
        result = simple_nodes.padding_table(node)
    else:
        raise TypeError(f"unknown node {node!r}")
    for array in vars(result).values():
        array.flags.writeable = False
    return result


def candidate_folds(node: HwNode) -> tuple[NodeFold, ...]:
    """Every legal folding of a node, enumerated one by one (the table's cross-check)."""
    if isinstance(node, MVAU):
        folds = [NodeFold(pe, simd) for pe in divisors(node.mh) for simd in divisors(node.mw)]
    elif isinstance(node, SlidingWindow):
        folds = [NodeFold(1, simd) for simd in divisors(node.channels)]
        folds += [NodeFold(1, simd, True) for simd in divisors(node.channels)]
    elif isinstance(node, Pool):
        folds = [NodeFold(pe) for pe in divisors(node.channels)]
    elif isinstance(node, LabelSelect):
        folds = [NodeFold(pe) for pe in divisors(node.labels)]
    elif isinstance(node, Padding):
        folds = [NodeFold(1, simd) for simd in divisors(node.channels)]
    else:
        raise TypeError(f"unknown node {node!r}")
    return tuple(f for f in folds if legal(node, f))
