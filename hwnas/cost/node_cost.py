"""One entry point per node: legality and cost of a folding, dispatched on the node's kind.

A node type a layer kind defines in its own module (``hwnas.kinds``) carries its rules as methods:
``legal(fold)``, ``cost(fold)``, ``table()``, ``candidate_folds()``, ``finn_config(fold)`` and
``describe()``; the node types below predate that and are dispatched here.
"""

from __future__ import annotations

from hwnas.cost import branch_nodes, mvau, simple_nodes, swg
from hwnas.cost.fold import NodeFold, divisors
from hwnas.cost.nodes import (
    MVAU, DuplicateStreams, ElementwiseAdd, HwNode, LabelSelect, Padding, Pool, SlidingWindow, Thresholding,
)

_STREAMS = (DuplicateStreams, ElementwiseAdd, Thresholding)
from hwnas.cost.table import NodeCost, Table


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
    if isinstance(node, _STREAMS):
        return branch_nodes.stream_legal(node, fold)
    return node.legal(fold)


def cost(node: HwNode, fold: NodeFold) -> NodeCost:
    # a dict lookup on the type: this runs once per node per estimate, in the search's inner loop
    return EVALUATORS[type(node)](node, fold)


class _Evaluators(dict):
    """type -> cost function; a node type defined by a kind brings its own ``cost`` method."""

    def __missing__(self, node_type):
        self[node_type] = node_type.cost
        return node_type.cost


EVALUATORS = _Evaluators({
    MVAU: mvau.evaluate,
    SlidingWindow: swg.evaluate,
    Pool: simple_nodes.pool_cost,
    LabelSelect: simple_nodes.labelselect_cost,
    Padding: simple_nodes.padding_cost,
    DuplicateStreams: branch_nodes.stream_cost,
    ElementwiseAdd: branch_nodes.stream_cost,
    Thresholding: branch_nodes.threshold_cost,
})


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
    return (type(node), *node[2:])  # every node starts with (name, layer)


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
    elif isinstance(node, Thresholding):
        result = branch_nodes.threshold_table(node)
    elif isinstance(node, _STREAMS):
        result = branch_nodes.stream_table(node)
    else:
        result = node.table()
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
    elif isinstance(node, _STREAMS):
        folds = [NodeFold(pe) for pe in divisors(node.channels)]
    else:
        folds = node.candidate_folds()
    return tuple(f for f in folds if legal(node, f))
