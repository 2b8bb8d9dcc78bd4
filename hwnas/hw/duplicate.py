"""The fan-out node (``DuplicateStreams_hls``): a value read by several layers leaves through one."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from hwnas.hw import streams, tokens
from hwnas.hw.fold import NodeFold

KIND = "duplicate"  # the kernel the generated design calls for this node type (``hwnas.hw.KERNEL_MODULES``)


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

    def schedule_layer(self, fold: NodeFold) -> tuple[dict, int, int]:
        layer = dict(kind=KIND, out_words=self.pixels * self.channels // fold.pe, branches=self.outputs)
        return layer, fold.pe, fold.pe


NODE = DuplicateStreams  # the node type this module holds (``hwnas.hw.node_classes``)


def schedule(layer: dict) -> tokens.Schedule:
    """hwnas::duplicate: each iteration reads a word and writes it to every branch."""
    i = np.arange(layer["out_words"])
    return tokens.frozen(len(i), [i], [i] * layer["branches"])
