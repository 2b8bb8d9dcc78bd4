"""The standalone threshold unit (``Thresholding_rtl``): a -1/+1 input requantised onto an add's
grid, or the sign after an add.

It streams ``pixels * channels / PE`` words per frame, as the other stream nodes do
(``hwnas.hw.streams``), and charges its threshold memories, one per output bit, placed on the memory
primitive that wastes the fewest bits (``finn.util.memutil``'s table, which finn-plus uses on every
part), counted per PE.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from hwnas.hw import streams, tokens
from hwnas.hw.fold import NodeFold, divisors
from hwnas.hw.table import NodeCost, Table

KIND = "thresholding"  # the kernel the generated design calls for this node type (``hwnas.hw.KERNEL_MODULES``)

# the thresholds of a requantiser reading bits 0/1: clipped to 0..2 (hwnas.lower.spec_types)
BINARY_THRESHOLD_BITS = 2

# finn.util.memutil.mem_primitives_versal: (width, depth) per primitive, in FINN's order (ties in
# waste go to the first)
MEMORY_PRIMITIVES = (
    ("URAM", 72, 4096), ("URAM", 36, 8192), ("URAM", 18, 16384), ("URAM", 9, 32768),
    ("BRAM", 36, 512), ("BRAM", 18, 1024), ("BRAM", 9, 2048), ("LUTRAM", 1, 64),
)


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


class Thresholding(NamedTuple):
    """A standalone threshold unit: a -1/+1 input requantised onto an add's grid, or the sign after an add."""

    name: str
    layer: int
    channels: int
    pixels: int
    weight_bits: int  # the thresholds' type, from the spec (hwnas.lower.spec_types)
    out_bits: int
    op_type: str = "Thresholding_rtl"

    legal = streams.stream_legal
    candidate_folds = streams.stream_folds
    finn_config = streams.pe_config
    divided_dimensions = streams.channel_dimensions
    cost = threshold_cost
    table = threshold_table

    def describe(self) -> str:
        return f"{self.channels}x{self.pixels} to {self.out_bits}-bit"

    def schedule_layer(self, fold: NodeFold) -> tuple[dict, int, int]:
        layer = dict(kind=KIND, vectors=self.pixels, channels=self.channels, pe=fold.pe)
        return layer, fold.pe, fold.pe


NODE = Thresholding  # the node type this module holds (``hwnas.hw.node_classes``)


def schedule(layer: dict) -> tokens.Schedule:
    i = np.arange(layer["vectors"] * layer["channels"] // layer["pe"])
    return tokens.frozen(len(i), [i], [i])
