"""The fan-out node (``DuplicateStreams_hls``): a value read by several layers leaves through one."""

from __future__ import annotations

from typing import NamedTuple

from hwnas.hw import streams


class DuplicateStreams(NamedTuple):
    name: str
    layer: int  # the layer whose output fans out
    channels: int
    pixels: int  # words per channel per frame (1 for a flat vector)
    outputs: int
    op_type: str = "DuplicateStreams_hls"

    legal = streams.stream_legal
    candidate_folds = streams.stream_folds
    finn_config = streams.pe_config
    divided_dimensions = streams.channel_dimensions
    cost = streams.stream_cost
    table = streams.stream_table

    def describe(self) -> str:
        return f"{self.channels}x{self.pixels} to {self.outputs} streams"
