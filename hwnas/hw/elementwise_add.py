"""The join of an add (``ElementwiseAdd_hls``): two integer streams summed, word by word."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from hwnas.hw import streams, tokens
from hwnas.hw.fold import NodeFold

KIND = "add"  # the kernel the generated design calls for this node type (``hwnas.hw.KERNEL_MODULES``)


class ElementwiseAdd(NamedTuple):
    name: str
    layer: int
    channels: int
    pixels: int
    in_bits: tuple[int, int] = (0, 0)  # the signed integer width of each input (its FIFO's word)
    op_type: str = "ElementwiseAdd_hls"

    legal = streams.stream_legal
    candidate_folds = streams.stream_folds
    finn_config = streams.pe_config
    divided_dimensions = streams.channel_dimensions
    cost = streams.stream_cost
    table = streams.stream_table

    def describe(self) -> str:
        return f"{self.channels}x{self.pixels} add"

    def input_bits(self, port: int) -> int:
        """The element width of input ``port`` (``hwnas.cost.fifos``): each input has its own."""
        return self.in_bits[port]

    def output_bits(self) -> int:
        return max(self.in_bits) + 1  # a sum of two takes one bit more (FINN's MinimizeAccumulatorWidth)

    def schedule_layer(self, fold: NodeFold) -> tuple[dict, int, int]:
        return dict(kind=KIND, words=self.pixels * self.channels // fold.pe), fold.pe, fold.pe


NODE = ElementwiseAdd  # the node type this module holds (``hwnas.hw.node_classes``)


def schedule(layer: dict) -> tokens.Schedule:
    """hwnas::elementwise_add: each iteration reads a word of both inputs and writes their sum."""
    i = np.arange(layer["words"])
    return tokens.frozen(len(i), [i, i], [i])
