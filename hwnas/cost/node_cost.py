"""One entry point per node: legality and cost of a folding, looked up on the node's own type.

Every node type (``hwnas.hw``, one module per type) carries its rules as methods: ``legal(fold)``,
``cost(fold)``, ``table()``, ``candidate_folds()``, ``finn_config(fold)``, ``divided_dimensions()``
and ``describe()``.
"""

from __future__ import annotations

from hwnas.hw import HwNode, NodeCost, NodeFold, Table


def legal(node: HwNode, fold: NodeFold) -> bool:
    return node.legal(fold)


def cost(node: HwNode, fold: NodeFold) -> NodeCost:
    # a dict lookup on the type: this runs once per node per estimate, in the search's inner loop
    return EVALUATORS[type(node)](node, fold)


class _Evaluators(dict):
    """type -> its cost function, looked up once per type (the plain function, no bound method)."""

    def __missing__(self, node_type):
        self[node_type] = node_type.cost
        return node_type.cost


EVALUATORS = _Evaluators()


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
    result = node.table()
    for array in vars(result).values():
        array.flags.writeable = False
    return result


def candidate_folds(node: HwNode) -> tuple[NodeFold, ...]:
    """Every legal folding of a node, enumerated one by one (the table's cross-check)."""
    return tuple(f for f in node.candidate_folds() if legal(node, f))
