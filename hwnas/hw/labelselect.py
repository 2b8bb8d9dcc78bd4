"""The top-1 node after the last MVAU (``LabelSelect_hls``).

finn-plus gives it no LUT/BRAM estimate (it inherits HWCustomOp's zeros), so neither do we.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from hwnas.hw import streams, tokens
from hwnas.hw.fold import NodeFold, divisors
from hwnas.hw.table import NodeCost, Table, zero_cost_table

KIND = "labelselect"  # the kernel the generated design calls for this node type (``hwnas.hw.KERNEL_MODULES``)


class LabelSelect(NamedTuple):
    name: str
    layer: int
    labels: int
    op_type: str = "LabelSelect_hls"

    def legal(self, fold: NodeFold) -> bool:
        return fold.simd == 1 and not fold.parallel_window and self.labels % fold.pe == 0

    def cost(self, fold: NodeFold) -> NodeCost:
        return NodeCost(self.labels // fold.pe, 0, 0)

    def table(self) -> Table:
        pe = np.array(divisors(self.labels), dtype=np.int64)
        return zero_cost_table(pe, np.ones_like(pe), self.labels // pe)

    def candidate_folds(self) -> list[NodeFold]:
        return [NodeFold(pe) for pe in divisors(self.labels)]

    finn_config = streams.pe_config

    def divided_dimensions(self) -> dict[str, tuple[str, int]]:
        return {"PE": ("Labels", self.labels)}

    def describe(self) -> str:
        return f"top-1 of {self.labels}"

    def schedule_layer(self, fold: NodeFold) -> tuple[dict, int, int]:
        return dict(kind=KIND, labels=self.labels, pe=fold.pe), fold.pe, 1


NODE = LabelSelect  # the node type this module holds (``hwnas.hw.node_classes``)


def schedule(layer: dict) -> tokens.Schedule:
    """hwnas::label_select: LABELS / PE reads; the class is written after the loop, counted here
    with its last iteration."""
    n = layer["labels"] // layer["pe"]
    return tokens.frozen(n, [np.arange(n)], [[n - 1]])
