"""The channel concatenation (``StreamingConcat_hls``, from FINN's ``InferConcatLayer``).

It streams each input's channels of a pixel in turn: ``pixels * total channels / SIMD`` cycles per
frame and no resource estimate in finn-plus 1.6.1. SIMD must divide every input's channels.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from hwnas.hw import tokens
from hwnas.hw.fold import NodeFold, divisors
from hwnas.hw.table import NodeCost, Table, zero_cost_table

KIND = "concat"  # the kernel the generated design calls for this node type (``hwnas.hw.KERNEL_MODULES``)


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

    def input_bits(self, port: int) -> int:
        """The element width of input ``port`` (``hwnas.cost.fifos``)."""
        return 1  # -1/+1 maps stream as bits

    def schedule_layer(self, fold: NodeFold) -> tuple[dict, int, int]:
        layer = dict(kind=KIND, simd=fold.simd, vectors=self.pixels, ins=tuple(dict(channels=c) for c in self.channels))
        return layer, fold.simd, fold.simd


NODE = StreamingConcat  # the node type this module holds (``hwnas.hw.node_classes``)


def schedule(layer: dict) -> tokens.Schedule:
    """hwnas::concat: per pixel, input 0's channel folds, then input 1's (then 2's), one word an
    iteration, each written in the iteration it is read."""
    folds = [port["channels"] // layer["simd"] for port in layer["ins"]]
    i = np.arange(layer["vectors"] * sum(folds))
    fold = i % sum(folds)
    bounds = np.cumsum([0] + folds)
    return tokens.frozen(len(i), [i[(fold >= lo) & (fold < hi)] for lo, hi in zip(bounds[:-1], bounds[1:])], [i])
