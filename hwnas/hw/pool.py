"""The max-pool node (``Pool_hls``), behind a depthwise sliding window whose SIMD is its PE.

finn-plus gives it no LUT/BRAM estimate (it inherits HWCustomOp's zeros), so neither do we.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from hwnas.hw import streams, tokens
from hwnas.hw.fold import NodeFold, divisors
from hwnas.hw.table import NodeCost, Table, zero_cost_table

KIND = "pool"  # the kernel the generated design calls for this node type (``hwnas.hw.KERNEL_MODULES``)


class Pool(NamedTuple):
    name: str
    layer: int
    channels: int
    kernel: int
    ofm: tuple[int, int]
    in_bits: int
    op_type: str = "Pool_hls"

    def legal(self, fold: NodeFold) -> bool:
        return fold.simd == 1 and not fold.parallel_window and self.channels % fold.pe == 0

    def cost(self, fold: NodeFold) -> NodeCost:
        return NodeCost(self.channels * self.kernel * self.kernel // fold.pe * self.ofm[0] * self.ofm[1], 0, 0)

    def table(self) -> Table:
        pe = np.array(divisors(self.channels), dtype=np.int64)
        cycles = self.channels * self.kernel * self.kernel // pe * self.ofm[0] * self.ofm[1]
        return zero_cost_table(pe, np.ones_like(pe), cycles)

    def candidate_folds(self) -> list[NodeFold]:
        return [NodeFold(pe) for pe in divisors(self.channels)]

    finn_config = streams.pe_config

    def divided_dimensions(self) -> dict[str, tuple[str, int]]:
        return {"PE": ("Channels", self.channels)}

    def describe(self) -> str:
        return f"{self.channels}x{self.ofm[0]}x{self.ofm[1]} max k{self.kernel}"

    def schedule_layer(self, fold: NodeFold) -> tuple[dict, int, int]:
        layer = dict(kind=KIND, channels=self.channels, pe=fold.pe, k2=self.kernel * self.kernel, pixels=math.prod(self.ofm))
        return layer, fold.pe, fold.pe


NODE = Pool  # the node type this module holds (``hwnas.hw.node_classes``)


def schedule(layer: dict) -> tokens.Schedule:
    """hwnas::max_pool: one word read per iteration; a pixel's channel word is written with its
    last window position."""
    cf = layer["channels"] // layer["pe"]
    i = np.arange(layer["pixels"] * layer["k2"] * cf)
    return tokens.frozen(len(i), [i], [i[(i // cf) % layer["k2"] == layer["k2"] - 1]])
