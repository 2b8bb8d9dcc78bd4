"""``add``: the element-wise sum of two or more maps of one shape, then BatchNorm and sign.

The sum lives on a shared signed ``bits``-bit integer grid (FINN's ResNets add 4-bit residuals): a
conv or linear whose only consumer is the add hands it its BatchNorm output quantised to that grid,
and a binary input enters as -1/+1, which the grid holds exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hwnas.errors import UserError
from hwnas.hw.duplicate import DuplicateStreams
from hwnas.hw.elementwise_add import ElementwiseAdd
from hwnas.hw.thresholding import BINARY_THRESHOLD_BITS, Thresholding
from hwnas.kinds.base import LayerBase, Port

MIN_BITS, MAX_BITS = 2, 8


@dataclass(frozen=True)
class Add(LayerBase):
    bits: int = 4

    KIND = "add"
    FINN_MOVES = (lambda: _finn("streamline.reorder", "MoveTransposePastJoinAdd"),)
    FINN_TO_HW = (lambda: _finn("fpgadataflow.convert_to_hw.elementwise_binary_operation", "InferElementwiseBinaryOperation"),)

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

    def hardware(self, shape, reads: list[int], graph) -> int:
        # FINN's ElementwiseAdd takes integers: a -1/+1 input is requantised onto the grid first
        # (Thresholding); inputs are summed two at a time; a Thresholding takes the sign
        # (one Thresholding per binary value and grid, shared by the adds reading it)
        channels, pixels = shape.out_shape[0], math.prod(shape.out_shape[1:])
        requantise = lambda: Thresholding("", shape.index, channels, pixels, BINARY_THRESHOLD_BITS, self.bits)
        grid = [
            graph.on_grid(source, requantise, node, lambda readers, source=source: DuplicateStreams(
                "", source, channels, pixels, readers)) if port.bits == 1 else node
            for node, port, source in zip(reads, shape.ins, shape.sources)
        ]
        total = grid[0]
        for count, node in enumerate(grid[1:]):
            # a partial sum of k + 1 grid values takes k more bits (FINN's MinimizeAccumulatorWidth)
            in_bits = (self.bits + count, self.bits)
            total = graph.add(ElementwiseAdd("", shape.index, channels, pixels, in_bits), total, node)
        # the sum of k inputs on an N-bit grid takes N + k - 1 bits, its thresholds one more
        sum_bits = self.bits + len(grid) - 1
        return graph.add(Thresholding("", shape.index, channels, pixels, sum_bits + 1, 1), total)

    def brevitas_module(self, shape, *, last: bool):
        from hwnas.blocks.modules import GridAdd

        return GridAdd(shape.out_shape, self.bits)


def _finn(module: str, name: str):
    import importlib

    return getattr(importlib.import_module(f"finn.transformation.{module}"), name)()


def _dims(shape: tuple[int, ...]) -> str:
    return "x".join(map(str, shape))


KIND_CLASS = Add
