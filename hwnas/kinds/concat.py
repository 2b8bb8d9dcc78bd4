"""``concat``: the channels of two or more -1/+1 maps of one height and width, side by side.

Lowered to FINN's StreamingConcat (``InferConcatLayer``; the node type is ``hwnas.hw.concat``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hwnas.errors import UserError
from hwnas.hw.concat import StreamingConcat
from hwnas.kinds.base import LayerBase, Port


def _reencode_inputs_as_bits(model):
    """FINN's XNOR conversion follows only a Concat's first input up to the MultiThreshold it
    re-encodes as bits; every input of a concat of -1/+1 maps becomes bits here instead (as
    ``hwnas.blocks.bipolar_fork`` does at forks), and the concat's readers are fixed up."""
    from qonnx.core.datatype import DataType

    from hwnas.blocks.bipolar_fork import fix_readers, to_bits

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
