"""``linear``: a binary fully connected layer over the flattened input, then BatchNorm and sign;
the last one gives the logits."""

from __future__ import annotations

import math
from dataclasses import dataclass

from hwnas.hw.mvau import mvau
from hwnas.kinds.base import LayerBase, Port, single_input


@dataclass(frozen=True)
class Linear(LayerBase):
    out: int

    KIND = "linear"
    QUANTISES_FOR_ADD = True

    def infer(self, ins: list[Port], where: str) -> Port:
        single_input(ins, where)
        return Port((self.out,), 1)

    def hardware(self, shape, reads: list[int], graph) -> int:
        # an MVAU; the last one has no thresholds (its sums go to LabelSelect)
        last = shape.index == graph.last_layer
        node = mvau(shape.index, math.prod(shape.in_shape), self.out, 1, shape.in_bits, activation=not last)
        return graph.add(node, *reads)

    def brevitas_module(self, shape, *, last: bool):
        from brevitas.nn import QuantLinear
        from torch import nn

        from hwnas.blocks.modules import BipolarWeight, LogitScale, hidden_output

        modules = [nn.Flatten()] if len(shape.in_shape) != 1 else []
        fan_in = math.prod(shape.in_shape)
        modules.append(QuantLinear(fan_in, self.out, bias=False, weight_quant=BipolarWeight))
        if last:
            return nn.Sequential(*modules, LogitScale(fan_in))
        return nn.Sequential(*modules, *hidden_output(nn.BatchNorm1d(self.out), shape.out_bits))


KIND_CLASS = Linear
