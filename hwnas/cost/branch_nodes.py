"""Cost of the nodes branches add: DuplicateStreams_hls (fan-out), ElementwiseAdd_hls (two streams
summed), Thresholding_rtl (a requantiser onto an add's grid, or the sign after an add).

Each streams ``pixels * channels / PE`` words per frame (FINN's ``get_exp_cycles``: the folded
output shape). DuplicateStreams and a stream+stream ElementwiseAdd have no resource estimate in
finn-plus (no parameter memory); Thresholding_rtl charges its threshold memories, one per output
bit, placed on the memory primitive that wastes the fewest bits (``finn.util.memutil``'s table,
which finn-plus uses on every part), counted per PE.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from hwnas.cost.fold import NodeFold, divisors
from hwnas.cost.table import NodeCost, Table

if TYPE_CHECKING:
    from hwnas.cost.nodes import DuplicateStreams, ElementwiseAdd, Thresholding

# finn.util.memutil.mem_primitives_versal: (width, depth) per primitive, in FINN's order (ties in
# waste go to the first)
MEMORY_PRIMITIVES = (
    ("URAM", 72, 4096), ("URAM", 36, 8192), ("URAM", 18, 16384), ("URAM", 9, 32768),
    ("BRAM", 36, 512), ("BRAM", 18, 1024), ("BRAM", 9, 2048), ("LUTRAM", 1, 64),
)


def stream_legal(node, fold: NodeFold) -> bool:
    return fold.simd == 1 and not fold.parallel_window and node.channels % fold.pe == 0


def stream_folds(node) -> list[NodeFold]:
    return [NodeFold(pe) for pe in divisors(node.channels)]


def pe_config(node, fold: NodeFold) -> dict:
    return {"PE": fold.pe}


def channel_dimensions(node) -> dict[str, tuple[str, int]]:
    return {"PE": ("NumChannels", node.channels)}


def stream_cost(node: DuplicateStreams | ElementwiseAdd, fold: NodeFold) -> NodeCost:
    return NodeCost(node.pixels * (node.channels // fold.pe), 0, 0)


def stream_table(node: DuplicateStreams | ElementwiseAdd) -> Table:
    pe = np.array(divisors(node.channels), dtype=np.int64)
    zeros = np.zeros(len(pe), dtype=np.int64)
    return Table(pe=pe, simd=np.ones_like(pe), parallel_window=zeros.astype(bool),
                 cycles=node.pixels * (node.channels // pe), lut=zeros, bram18=zeros)


def threshold_memory(node: Thresholding, pe: int) -> dict[str, int]:
    """Primitives per kind (LUTRAM, BRAM, URAM) of ``Thresholding_rtl``'s memories at ``pe``."""
    used = {"LUTRAM": 0, "BRAM": 0, "URAM": 0}
    channel_fold = node.channels // pe
    for x in range(node.out_bits):
        width, depth = node.weight_bits, channel_fold * 2**x
        best = None
        for kind, prim_width, prim_depth in MEMORY_PRIMITIVES:
            count = math.ceil(width / prim_width) * math.ceil(depth / prim_depth)
            waste = count * prim_width * prim_depth - width * depth
            if best is None or waste < best[0]:
                best = (waste, kind, count)
        used[best[1]] += pe * best[2]
    return used


def threshold_cost(node: Thresholding, fold: NodeFold) -> NodeCost:
    memory = threshold_memory(node, fold.pe)
    return NodeCost(node.pixels * (node.channels // fold.pe), memory["LUTRAM"], memory["BRAM"], memory["URAM"])


def threshold_table(node: Thresholding) -> Table:
    pe = np.array(divisors(node.channels), dtype=np.int64)
    memories = [threshold_memory(node, int(p)) for p in pe]
    return Table(
        pe=pe, simd=np.ones_like(pe), parallel_window=np.zeros(len(pe), dtype=bool),
        cycles=node.pixels * (node.channels // pe),
        lut=np.array([m["LUTRAM"] for m in memories], dtype=np.int64),
        bram18=np.array([m["BRAM"] for m in memories], dtype=np.int64),
    )
