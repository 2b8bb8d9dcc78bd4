"""Cost of the nodes whose FINN model is cycles only: Pool_hls, LabelSelect_hls, FMPadding_rtl.

finn-plus gives these no LUT/BRAM estimate (they inherit HWCustomOp's zeros), so neither do we.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hwnas.cost.fold import NodeFold, divisors
from hwnas.cost.table import NodeCost, Table

if TYPE_CHECKING:
    from hwnas.cost.nodes import LabelSelect, Padding, Pool


def pool_legal(node: Pool, fold: NodeFold) -> bool:
    return node.channels % fold.pe == 0


def pool_cost(node: Pool, fold: NodeFold) -> NodeCost:
    return NodeCost(node.channels * node.kernel * node.kernel // fold.pe * node.ofm[0] * node.ofm[1], 0, 0)


def labelselect_legal(node: LabelSelect, fold: NodeFold) -> bool:
    return node.labels % fold.pe == 0


def labelselect_cost(node: LabelSelect, fold: NodeFold) -> NodeCost:
    return NodeCost(node.labels // fold.pe, 0, 0)


def padding_legal(node: Padding, fold: NodeFold) -> bool:
    return node.channels % fold.simd == 0


def padding_cost(node: Padding, fold: NodeFold) -> NodeCost:
    height, width = node.ifm[0] + 2 * node.padding, node.ifm[1] + 2 * node.padding
    return NodeCost(node.channels // fold.simd * height * width, 0, 0)


def _zero_cost_table(pe, simd, cycles) -> Table:
    zeros = np.zeros(len(cycles), dtype=np.int64)
    return Table(pe=pe, simd=simd, parallel_window=zeros.astype(bool), cycles=cycles, lut=zeros, bram18=zeros)


def pool_table(node: Pool) -> Table:
    pe = np.array(divisors(node.channels), dtype=np.int64)
    cycles = node.channels * node.kernel * node.kernel // pe * node.ofm[0] * node.ofm[1]
    return _zero_cost_table(pe, np.ones_like(pe), cycles)


def labelselect_table(node: LabelSelect) -> Table:
    pe = np.array(divisors(node.labels), dtype=np.int64)
    return _zero_cost_table(pe, np.ones_like(pe), node.labels // pe)


def padding_table(node: Padding) -> Table:
    simd = np.array(divisors(node.channels), dtype=np.int64)
    height, width = node.ifm[0] + 2 * node.padding, node.ifm[1] + 2 * node.padding
    return _zero_cost_table(np.ones_like(simd), simd, node.channels // simd * height * width)
