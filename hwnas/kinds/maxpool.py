"""``maxpool``: max over a window; it passes its input's bits on."""

from __future__ import annotations

from dataclasses import dataclass

from hwnas.errors import UserError
from hwnas.hw.pool import Pool
from hwnas.hw.swg import SlidingWindow
from hwnas.kinds.base import LayerBase, Port, single_input, window_output


@dataclass(frozen=True)
class MaxPool(LayerBase):
    kernel: int
    stride: int | None = None  # None: equal to kernel

    KIND = "maxpool"
    NEEDS_IMAGE = True

    @property
    def effective_stride(self) -> int:
        return self.kernel if self.stride is None else self.stride

    def infer(self, ins: list[Port], where: str) -> Port:
        port = single_input(ins, where)
        out_h, out_w = window_output(where, port.shape, kernel=self.kernel, stride=self.effective_stride, padding=0)
        return Port((port.shape[0], out_h, out_w), port.bits)

    def hardware(self, shape, reads: list[int], graph) -> int:
        # a depthwise sliding window whose SIMD is the Pool's PE, then the Pool
        channels, height, width = shape.in_shape
        _, out_h, out_w = shape.out_shape
        if self.kernel < self.effective_stride:
            raise UserError(
                f"{graph.arch.name}: layer {shape.index} (maxpool) has a stride larger than its kernel; FINN lowers "
                "only pools whose kernel is at least the stride"
            )
        window = SlidingWindow("", shape.index, channels, (height, width), (out_h, out_w), self.kernel,
                               self.effective_stride, shape.in_bits, depthwise=True)
        node = graph.add(window, *reads)
        return graph.add(Pool("", shape.index, channels, self.kernel, (out_h, out_w), shape.in_bits), node)

    def brevitas_module(self, shape, *, last: bool):
        from torch import nn

        return nn.MaxPool2d(self.kernel, stride=self.effective_stride)


KIND_CLASS = MaxPool
