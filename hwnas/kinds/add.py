"""``add``: the element-wise sum of two or more maps of one shape, then BatchNorm and sign.

The sum lives on a shared signed ``bits``-bit integer grid (FINN's ResNets add 4-bit residuals): a
conv or linear whose only consumer is the add hands it its BatchNorm output quantised to that grid,
and a binary input enters as -1/+1, which the grid holds exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from hwnas.errors import UserError
from hwnas.kinds.base import LayerBase, Port

MIN_BITS, MAX_BITS = 2, 8


@dataclass(frozen=True)
class Add(LayerBase):
    bits: int = 4

    KIND = "add"

    @property
    def grid_bits(self) -> int | None:
        return self.bits

    def infer(self, ins: list[Port], where: str) -> Port:
        if not MIN_BITS <= self.bits <= MAX_BITS:
            raise UserError(f"{where}: bits must be between {MIN_BITS} and {MAX_BITS}, got {self.bits}")
        if len(ins) < 2:
            raise UserError(f"{where}: an add needs at least two inputs, got {len(ins)}")
        shapes = list(dict.fromkeys(port.shape for port in ins))
        if len(shapes) > 1:
            raise UserError(f"{where}: inputs of different shapes {' and '.join(_dims(s) for s in shapes)}; an add needs one shape")
        for port in ins:
            if port.bits not in (1, self.bits):
                raise UserError(
                    f"{where}: an input carries {port.bits}-bit values; an add sums binary maps and conv/linear outputs"
                )
        return Port(ins[0].shape, 1)

    def brevitas_module(self, shape, *, last: bool):
        from hwnas.model.layers import GridAdd

        return GridAdd(shape.out_shape, self.bits)


def _dims(shape: tuple[int, ...]) -> str:
    return "x".join(map(str, shape))

