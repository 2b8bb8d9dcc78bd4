"""``conv``: a binary convolution, then BatchNorm and sign (or the add's grid, see ``add``)."""

from __future__ import annotations

from dataclasses import dataclass

from hwnas.errors import UserError
from hwnas.hw.mvau import mvau
from hwnas.hw.padding import Padding
from hwnas.hw.swg import SlidingWindow
from hwnas.kinds.base import LayerBase, Port, single_input, window_output


@dataclass(frozen=True)
class Conv(LayerBase):
    out: int
    kernel: int
    stride: int = 1
    padding: int = 0
    dilation: int = 1

    KIND = "conv"
    NEEDS_IMAGE = True
    QUANTISES_FOR_ADD = True

    @property
    def span(self) -> int:
        """The kernel's extent on the map: dilation spreads its taps apart."""
        return self.dilation * (self.kernel - 1) + 1

    def infer(self, ins: list[Port], where: str) -> Port:
        port = single_input(ins, where)
        if self.padding >= self.span:
            raise UserError(f"{where}: padding {self.padding} must be smaller than the kernel {self.span}")
        out_h, out_w = window_output(
            where, port.shape, kernel=self.kernel, stride=self.stride, padding=self.padding, dilation=self.dilation
        )
        return Port((self.out, out_h, out_w), 1)

    def hardware(self, shape, reads: list[int], graph) -> int:
        # an optional padding unit, a sliding window (unless a 1x1 stride-1 unpadded conv, which FINN
        # lowers straight to a MatMul), an MVAU with thresholds
        channels, height, width = shape.in_shape
        _, out_h, out_w = shape.out_shape
        (node,) = reads
        if self.padding:
            node = graph.add(Padding("", shape.index, channels, (height, width), self.padding, shape.in_bits), node)
            height, width = height + 2 * self.padding, width + 2 * self.padding
        if self.kernel > 1 or self.stride > 1 or self.padding:
            window = SlidingWindow("", shape.index, channels, (height, width), (out_h, out_w), self.kernel, self.stride,
                                   shape.in_bits, depthwise=False, dilation=self.dilation)
            node = graph.add(window, node)
        fan_in = self.kernel * self.kernel * channels
        return graph.add(mvau(shape.index, fan_in, self.out, out_h * out_w, shape.in_bits, activation=True), node)

    def brevitas_module(self, shape, *, last: bool):
        from brevitas.nn import QuantConv2d
        from torch import nn

        from hwnas.blocks.modules import BipolarWeight, hidden_output

        modules = []
        padding = self.padding
        if padding and shape.in_bits == 1:
            # the hardware pads a -1/+1 map with the bit 0, which encodes -1: pad the model alike
            modules.append(nn.ConstantPad2d(padding, -1.0))
            padding = 0
        modules.append(
            QuantConv2d(
                shape.in_shape[0], self.out, self.kernel, stride=self.stride, padding=padding,
                dilation=self.dilation, bias=False, weight_quant=BipolarWeight,
            )
        )
        return nn.Sequential(*modules, *hidden_output(nn.BatchNorm2d(self.out), shape.out_bits))


KIND_CLASS = Conv
