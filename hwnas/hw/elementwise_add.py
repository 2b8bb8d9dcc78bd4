"""The join of an add (``ElementwiseAdd_hls``): two integer streams summed, word by word."""

from __future__ import annotations

from typing import NamedTuple

from hwnas.hw import streams


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
