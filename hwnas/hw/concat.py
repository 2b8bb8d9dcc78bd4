"""The channel concatenation (``StreamingConcat_hls``, from FINN's ``InferConcatLayer``).

It streams each input's channels of a pixel in turn: ``pixels * total channels / SIMD`` cycles per
frame and no resource estimate in finn-plus 1.6.1. SIMD must divide every input's channels.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from hwnas.hw.fold import NodeFold, divisors
from hwnas.hw.table import NodeCost, Table, zero_cost_table


class StreamingConcat(NamedTuple):
    name: str
    layer: int
    channels: tuple[int, ...]  # per input
    pixels: int
    op_type: str = "StreamingConcat_hls"

    def legal(self, fold: NodeFold) -> bool:
        return fold.pe == 1 and not fold.parallel_window and all(c % fold.simd == 0 for c in self.channels)

    def cost(self, fold: NodeFold) -> NodeCost:
        return NodeCost(self.pixels * (sum(self.channels) // fold.simd), 0, 0)

    def candidate_folds(self) -> tuple[NodeFold, ...]:
        return tuple(NodeFold(1, simd) for simd in divisors(math.gcd(*self.channels)))

    def table(self) -> Table:
        simd = np.array(divisors(math.gcd(*self.channels)), dtype=np.int64)
        return zero_cost_table(np.ones_like(simd), simd, self.pixels * (sum(self.channels) // simd))

    def divided_dimensions(self) -> dict[str, tuple[str, int]]:
        return {"SIMD": ("every input's channels, gcd", math.gcd(*self.channels))}

    def finn_config(self, fold: NodeFold) -> dict:
        return {"SIMD": fold.simd}

    def describe(self) -> str:
        return f"{'+'.join(map(str, self.channels))}x{self.pixels} concat"
