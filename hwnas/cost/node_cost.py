"""One entry point per node: legality and cost of a folding, dispatched on the node's kind."""

from __future__ import annotations

from typing import NamedTuple

from hwnas.cost import mvau, simple_nodes, swg
from hwnas.cost.fold import NodeFold, divisors
from hwnas.cost.nodes import MVAU, HwNode, LabelSelect, Padding, Pool, SlidingWindow


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


_MEMO: dict[tuple[HwNode, NodeFold], NodeCost] = {}
_MEMO_LIMIT = 1 << 20


def cost(node: HwNode, fold: NodeFold) -> NodeCost:
    """Memoised: the search revisits the same node foldings over and over."""
    key = (node, fold)
    found = _MEMO.get(key)
    if found is None:
        if len(_MEMO) >= _MEMO_LIMIT:
            _MEMO.clear()
        found = _MEMO[key] = _cost(node, fold)
    return found


def _cost(node: HwNode, fold: NodeFold) -> NodeCost:
    if isinstance(node, MVAU):
        return NodeCost(mvau.cycles(node, fold), mvau.lut(node, fold), mvau.bram18(node, fold))
    if isinstance(node, SlidingWindow):
        return NodeCost(swg.cycles(node, fold), swg.lut(node, fold), 0)
    if isinstance(node, Pool):
        return NodeCost(simple_nodes.pool_cycles(node, fold), 0, 0)
    if isinstance(node, LabelSelect):
        return NodeCost(simple_nodes.labelselect_cycles(node, fold), 0, 0)
    if isinstance(node, Padding):
        return NodeCost(simple_nodes.padding_cycles(node, fold), 0, 0)
    raise TypeError(f"unknown node {node!r}")


def candidate_folds(node: HwNode) -> tuple[NodeFold, ...]:
    """Every legal folding of a node (the optimiser's search space)."""
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
