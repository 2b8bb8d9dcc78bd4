"""Rules shared by the nodes that stream a map's channel words PE at a time and keep no parameters
in FINN's model (DuplicateStreams, ElementwiseAdd; Thresholding folds the same way): each streams
``pixels * channels / PE`` words per frame (FINN's ``get_exp_cycles``: the folded output shape) and,
in finn-plus, has no resource estimate.
"""

from __future__ import annotations

import numpy as np

from hwnas.hw.fold import NodeFold, divisors
from hwnas.hw.table import NodeCost, Table, zero_cost_table


def stream_legal(node, fold: NodeFold) -> bool:
    return fold.simd == 1 and not fold.parallel_window and node.channels % fold.pe == 0


def stream_folds(node) -> list[NodeFold]:
    return [NodeFold(pe) for pe in divisors(node.channels)]


def pe_config(node, fold: NodeFold) -> dict:
    return {"PE": fold.pe}


def channel_dimensions(node) -> dict[str, tuple[str, int]]:
    return {"PE": ("NumChannels", node.channels)}


def stream_cost(node, fold: NodeFold) -> NodeCost:
    return NodeCost(node.pixels * (node.channels // fold.pe), 0, 0)


def stream_table(node) -> Table:
    pe = np.array(divisors(node.channels), dtype=np.int64)
    return zero_cost_table(pe, np.ones_like(pe), node.pixels * (node.channels // pe))
