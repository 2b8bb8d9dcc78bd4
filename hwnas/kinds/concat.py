"""``concat``: the channels of two or more -1/+1 maps of one height and width, side by side.

Lowered to FINN's StreamingConcat (``InferConcatLayer``), which streams each input's channels of a
pixel in turn: ``pixels * total channels / SIMD`` cycles per frame and no resource estimate in
finn-plus 1.6.1. SIMD must divide every input's channels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from hwnas.errors import UserError
from hwnas.kinds.base import LayerBase, Port

if TYPE_CHECKING:
    from hwnas.cost.fold import NodeFold
    from hwnas.cost.table import NodeCost, Table


class StreamingConcat(NamedTuple):
    name: str
    layer: int
    channels: tuple[int, ...]  # per input
    pixels: int
    op_type: str = "StreamingConcat_hls"

    def legal(self, fold: NodeFold) -> bool:
        return fold.pe == 1 and not fold.parallel_window and all(c % fold.simd == 0 for c in self.channels)

    def cost(self, fold: NodeFold) -> NodeCost:
        from hwnas.cost.table import NodeCost

        return NodeCost(self.pixels * (sum(self.channels) // fold.simd), 0, 0)

    def candidate_folds(self) -> tuple[NodeFold, ...]:
        from hwnas.cost.fold import NodeFold, divisors

        return tuple(NodeFold(1, simd) for simd in divisors(math.gcd(*self.channels)))

    def table(self) -> Table:
        import numpy as np

        from hwnas.cost.fold import divisors
        from hwnas.cost.table import Table

        simd = np.array(divisors(math.gcd(*self.channels)), dtype=np.int64)
        zeros = np.zeros(len(simd), dtype=np.int64)
        return Table(pe=np.ones_like(simd), simd=simd, parallel_window=zeros.astype(bool),
                     cycles=self.pixels * (sum(self.channels) // simd), lut=zeros, bram18=zeros)

    def divided_dimensions(self) -> dict[str, tuple[str, int]]:
        return {"SIMD": ("every input's channels, gcd", math.gcd(*self.channels))}

    def finn_config(self, fold: NodeFold) -> dict:
        return {"SIMD": fold.simd}

    def describe(self) -> str:
        return f"{'+'.join(map(str, self.channels))}x{self.pixels} concat"


def _reencode_inputs_as_bits(model):
    """FINN's XNOR conversion follows only a Concat's first input up to the MultiThreshold it
    re-encodes as bits; every input of a concat of -1/+1 maps becomes bits here instead (as
    ``hwnas.lower.bipolar_fork`` does at forks), and the concat's readers are fixed up."""
    from qonnx.core.datatype import DataType

    from hwnas.lower.bipolar_fork import fix_readers, to_bits

    for node in model.get_nodes_by_op_type("Concat"):
        if model.get_tensor_datatype(node.output[0]) != DataType["BIPOLAR"]:
            continue
        for tensor in node.input:
            to_bits(model, tensor, bit_readers=(node,))
        model.set_tensor_datatype(node.output[0], DataType["BINARY"])
        fix_readers(model, node.output[0])
    return model


def _finn(module: str, name: str):
    import importlib

    return getattr(importlib.import_module(f"finn.transformation.{module}"), name)()


@dataclass(frozen=True)
class Concat(LayerBase):
    KIND = "concat"
    NEEDS_IMAGE = True
    PREPARE_LOWERING = (_reencode_inputs_as_bits,)
    FINN_MOVES = (lambda: _finn("streamline.reorder", "MoveTransposePastJoinConcat"),)
    FINN_TO_HW = (lambda: _finn("fpgadataflow.convert_to_hw.concat", "InferConcatLayer"),)

    def infer(self, ins: list[Port], where: str) -> Port:
        if len(ins) < 2:
            raise UserError(f"{where}: a concat needs at least two inputs, got {len(ins)}")
        sizes = list(dict.fromkeys(port.shape[1:] for port in ins))
        if len(sizes) > 1:
            listed = " and ".join("x".join(map(str, size)) for size in sizes)
            raise UserError(f"{where}: inputs of different heights/widths {listed}; a concat needs one")
        if any(port.bits != 1 for port in ins):
            raise UserError(f"{where}: a concat joins binary maps; an input carries multi-bit values")
        return Port((sum(port.shape[0] for port in ins), *sizes[0]), 1)

    def hardware(self, shape, reads: list[int], graph) -> int:
        node = StreamingConcat("", shape.index, tuple(p.shape[0] for p in shape.ins), math.prod(shape.out_shape[1:]))
        return graph.add(node, *reads)

    def brevitas_module(self, shape, *, last: bool):
        return _channel_concat()


def _channel_concat():
    from torch import cat, nn

    class ChannelConcat(nn.Module):
        def forward(self, *inputs):
            return cat(inputs, dim=1)

    return ChannelConcat()


KIND_CLASS = Concat
