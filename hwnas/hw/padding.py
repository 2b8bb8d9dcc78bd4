"""The padding unit in front of a padded conv's sliding window (``FMPadding_rtl``).

finn-plus gives it no LUT/BRAM estimate (it inherits HWCustomOp's zeros), so neither do we.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from hwnas.hw import tokens
from hwnas.hw.fold import NodeFold, divisors
from hwnas.hw.table import NodeCost, Table, zero_cost_table

KIND = "fmpadding"  # the kernel the generated design calls for this node type (``hwnas.hw.KERNEL_MODULES``)


class Padding(NamedTuple):
    name: str
    layer: int
    channels: int
    ifm: tuple[int, int]
    padding: int
    in_bits: int
    op_type: str = "FMPadding_rtl"

    def legal(self, fold: NodeFold) -> bool:
        return fold.pe == 1 and not fold.parallel_window and self.channels % fold.simd == 0

    def cost(self, fold: NodeFold) -> NodeCost:
        height, width = self.ifm[0] + 2 * self.padding, self.ifm[1] + 2 * self.padding
        return NodeCost(self.channels // fold.simd * height * width, 0, 0)

    def table(self) -> Table:
        simd = np.array(divisors(self.channels), dtype=np.int64)
        height, width = self.ifm[0] + 2 * self.padding, self.ifm[1] + 2 * self.padding
        return zero_cost_table(np.ones_like(simd), simd, self.channels // simd * height * width)

    def candidate_folds(self) -> list[NodeFold]:
        return [NodeFold(1, simd) for simd in divisors(self.channels)]

    def finn_config(self, fold: NodeFold) -> dict:
        return {"SIMD": fold.simd}

    def divided_dimensions(self) -> dict[str, tuple[str, int]]:
        return {"SIMD": ("NumChannels", self.channels)}

    def describe(self) -> str:
        return f"{self.channels}x{self.ifm[0]}x{self.ifm[1]} pad {self.padding}"

    def schedule_layer(self, fold: NodeFold) -> tuple[dict, int, int]:
        h, w = self.ifm
        p = self.padding
        layer = dict(kind=KIND, channels=self.channels, simd=fold.simd, in_h=h, in_w=w, top=p, bottom=p, left=p, right=p)
        return layer, fold.simd, fold.simd


NODE = Padding  # the node type this module holds (``hwnas.hw.node_classes``)


def schedule(layer: dict) -> tokens.Schedule:
    """hwnas::fm_padding: one word written per iteration, read only inside the image."""
    cf = layer["channels"] // layer["simd"]
    out_h = layer["in_h"] + layer["top"] + layer["bottom"]
    out_w = layer["in_w"] + layer["left"] + layer["right"]
    i = np.arange(out_h * out_w * cf)
    y, x = i // (out_w * cf), (i // cf) % out_w
    inside = (y >= layer["top"]) & (y < layer["top"] + layer["in_h"]) & (x >= layer["left"]) & (x < layer["left"] + layer["in_w"])
    return tokens.frozen(len(i), [i[inside]], [i])
