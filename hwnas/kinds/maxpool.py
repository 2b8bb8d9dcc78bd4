"""``maxpool``: max over a window; it passes its input's bits on."""

from __future__ import annotations

from dataclasses import dataclass

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

    def brevitas_module(self, shape, *, last: bool):
        from torch import nn

        return nn.MaxPool2d(self.kernel, stride=self.effective_stride)
