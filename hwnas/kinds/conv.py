"""``conv``: a binary convolution, then BatchNorm and sign (or the add's grid, see ``add``)."""

from __future__ import annotations

from dataclasses import dataclass

from hwnas.errors import UserError
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
