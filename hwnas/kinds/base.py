"""What every layer kind shares: its place in the graph and the value it hands on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from hwnas.errors import UserError


class Port(NamedTuple):
    """A value flowing along an edge: its shape ((C, H, W) or (F,)) and bits (1: -1/+1 binary)."""

    shape: tuple[int, ...]
    bits: int


@dataclass(frozen=True, kw_only=True)
class LayerBase:
    """``name`` lets later layers read this one; ``inputs`` names the layers it reads (None: the
    previous layer, or the network input for the first layer)."""

    name: str | None = None
    inputs: tuple[str, ...] | None = None

    KIND = ""
    # reads one (C, H, W) map: the spec checks that before infer
    NEEDS_IMAGE = False
    # a conv or linear hands an add that is its only consumer its BatchNorm output on the add's grid
    QUANTISES_FOR_ADD = False

    @property
    def grid_bits(self) -> int | None:
        """The bits of the shared integer grid this layer sums on (None: it reads binary maps only)."""
        return None

    def infer(self, ins: list[Port], where: str) -> Port:
        """The output of this layer reading ``ins``; a UserError naming ``where`` when they do not fit."""
        raise NotImplementedError

    def hardware(self, shape, reads: list[int], graph) -> int:
        """Add the hardware nodes FINN lowers this layer to (types in ``hwnas.hw``) to ``graph``, the
        first reading the nodes ``reads``; return the index of the node that outputs its value."""
        raise NotImplementedError

    def brevitas_module(self, shape, *, last: bool):
        """The ``torch.nn.Module`` computing this layer from its inputs (``shape``: its LayerShape)."""
        raise NotImplementedError


def single_input(ins: list[Port], where: str) -> Port:
    if len(ins) != 1:
        raise UserError(f"{where}: reads exactly one input, got {len(ins)}")
    return ins[0]


def window_output(
    where: str, shape: tuple[int, ...], *, kernel: int, stride: int, padding: int, dilation: int = 1
) -> tuple[int, int]:
    """Output height and width of a sliding window over a (C, H, W) map."""
    _, height, width = shape
    span = dilation * (kernel - 1) + 1
    out_h = (height + 2 * padding - span) // stride + 1
    out_w = (width + 2 * padding - span) // stride + 1
    if height + 2 * padding < span or width + 2 * padding < span or out_h < 1 or out_w < 1:
        dilated = f" dilated {dilation} (spanning {span})" if dilation > 1 else ""
        raise UserError(
            f"{where}: kernel {kernel}{dilated} does not fit the {height}x{width} input "
            f"(padding {padding}); the feature map would shrink below 1x1"
        )
    return out_h, out_w
