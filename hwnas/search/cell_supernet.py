"""The weight-sharing supernet over a :class:`~hwnas.search.cells.CellSpace`: its shared slots, and a
subnet's forward over the decoded graph spec.

Every (cell position, node, edge, op) owns one shared 3x3 weight sized for the widest stage; a
subnet of width ``w`` uses its leading ``w`` output and input channels. Skip and Zeroise own nothing.
An add owns its BatchNorm, and sums its inputs as the Brevitas model does: each through the add's
signed integer grid (a conv whose only reader is the add hands it its BatchNorm output unsigned),
then BatchNorm and sign. A cell's output concatenates its live nodes, so its channel layout depends
on which nodes live; the layers reading it (the next cell's 1x1 projections, the head) therefore own
weights sized for every layout, and node ``i``'s channels always meet the input channels
``i * widest`` onwards, input 0 passed on the channels after the last node's (see :func:`channel_bound`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F

from hwnas.arch.spec import LayerShape
from hwnas.search.cells import CellSpace, cell_graph
from hwnas.search.space import SearchSpace

CONV_OPS = {"conv3": 1, "dilconv3": 2}  # cell op -> dilation


@dataclass(frozen=True)
class Step:
    """One layer of a subnet: its shape in the decoded spec, the slot it reads (None: no weights),
    and the input channels of the slot's weight it uses (None: the leading ones)."""

    shape: LayerShape
    key: str | None
    in_channels: torch.Tensor | None


def final_maps(space: SearchSpace) -> dict[int, tuple[int, int]]:
    """Stage count -> the map's height and width after the last stage (pools halve them while the
    smaller side is at least 6, as ``sample_cells`` decides)."""
    height, width = space.input.height, space.input.width
    if space.space.stem_pool:
        height, width = height // 2, width // 2
    maps = {}
    for stages in range(1, max(space.space.stages) + 1):
        if stages > 1 and min(height, width) >= 6:
            height, width = height // 2, width // 2
        maps[stages] = (height, width)
    return {stages: maps[stages] for stages in space.space.stages}


def channel_bound(cells: CellSpace, stage: int, cell: int) -> int:
    """The input channels the layers reading cell ``(stage, cell)``'s input 0 index into: its nodes
    each take ``max(widths)`` channels and input 0 passed on takes the bound of what came before."""
    widest = max(cells.widths)
    if stage == cell == 0:
        return widest  # the stem
    if cell:
        before = [(stage, cell - 1)]
    else:
        before = [(stage - 1, c) for c in range(max(cells.cells))]
    return max(cells.nodes * widest + channel_bound(cells, s, c) for s, c in before)


def cell_slots(space: SearchSpace, slot) -> list:
    """The shared slots (``slot(key, weight_shape, has_bn)``; a weight shape of one dimension is a
    BatchNorm alone) of every layer any point of ``space`` can decode to."""
    cells: CellSpace = space.space
    widest, channels = max(cells.widths), space.input.channels
    slots = [slot("stem", (widest, channels, 3, 3), True)]
    max_cells = max(cells.cells)
    for s in range(max(cells.stages)):
        for c in range(max_cells):
            tag, bound = f"s{s}c{c}", channel_bound(cells, s, c)
            slots += [slot(f"{tag}_pre{k}", (widest, bound, 1, 1), True) for k in range(2)]
            for i in range(cells.nodes):
                slots.append(slot(f"{tag}_n{i}", (widest,), True))
                slots += [slot(f"{tag}_n{i}_e{e}_{op}", (widest, widest, 3, 3), True)
                          for e in range(2) for op in CONV_OPS if op in cells.ops]
    head_width, head_layers, classes = max(cells.head_widths), max(cells.head_layers), space.classes
    maps = final_maps(space)
    for height, width in sorted(set(maps.values())):
        bound = max(_out_bound(cells, stages - 1, c) for stages in maps if maps[stages] == (height, width)
                    for c in range(max_cells))
        if head_layers:
            slots.append(slot(f"fc0_{height}x{width}", (head_width, bound, height, width), True))
        slots.append(slot(f"classifier_{height}x{width}", (classes, bound, height, width), False))
    slots += [slot(f"fc{i}", (head_width, head_width), True) for i in range(1, head_layers)]
    if head_layers:
        slots.append(slot("classifier", (classes, head_width), False))
    return slots


def _out_bound(cells: CellSpace, stage: int, cell: int) -> int:
    return cells.nodes * max(cells.widths) + channel_bound(cells, stage, cell)


def subnet_steps(space: SearchSpace, point: dict[str, Any]) -> list[Step]:
    """The layers of ``point``'s decoded spec, each with its slot and the input channels it reads."""
    arch = space.decode(point)
    _, segments = cell_graph(point, space.space, space.input.channels)
    widest, nodes = max(space.space.widths), space.space.nodes
    shapes = arch.shapes()
    layout: dict[int, torch.Tensor] = {-1: torch.arange(space.input.channels)}  # value -> its slot channels
    steps = []
    for shape in shapes:
        layer, kind = shape.layer, shape.kind
        name = layer.name or "classifier"
        channels = shape.out_shape[0]
        key, reads = name, None
        if kind == "maxpool":
            key, layout[shape.index] = None, layout[shape.sources[0]]
        elif kind == "concat":
            key = None
            layout[shape.index] = torch.cat([
                segment * widest + torch.arange(port.shape[0]) if segment < nodes else nodes * widest + layout[source]
                for segment, port, source in zip(segments[name], shape.ins, shape.sources)
            ])
        elif kind == "conv" and "_pre" in name:
            reads = layout[shape.sources[0]]
        elif kind == "conv" and name != "stem":
            key = f"{name}_{'dilconv3' if layer.dilation == 2 else 'conv3'}"
        elif kind == "linear" and len(shape.in_shape) == 3:
            size = "x".join(map(str, shape.in_shape[1:]))
            key, reads = (f"fc0_{size}" if layer.name else f"classifier_{size}"), layout[shape.sources[0]]
        if kind not in ("maxpool", "concat"):
            layout[shape.index] = torch.arange(channels)
        steps.append(Step(shape, key, reads))
    return steps


def sliced_weight(weights, step: Step) -> torch.Tensor:
    """The latent (unbinarised) weight ``step``'s layer uses: leading output channels, and leading
    input channels or those ``step.in_channels`` names; a linear reading a map flattens it as torch does."""
    layer, shape = step.shape.layer, step.shape
    shared = weights[step.key][: layer.out]
    if step.in_channels is not None:
        shared = shared[:, step.in_channels.to(shared.device)]
    else:
        shared = shared[:, : shape.in_shape[0]]
    return shared.reshape(layer.out, -1) if shape.kind == "linear" else shared


class CellForward:
    """Runs subnets of a cell supernet; decoded points are remembered (they repeat during training)."""

    def __init__(self, supernet, limit: int = 4096):
        self.supernet = supernet
        self._steps: dict[str, list[Step]] = {}
        self._limit = limit
        self._grids: dict[int, torch.nn.Module] = {}

    def steps(self, point: dict[str, Any]) -> list[Step]:
        key = json.dumps(point, sort_keys=True)
        if key not in self._steps:
            if len(self._steps) >= self._limit:
                self._steps.clear()
            self._steps[key] = subnet_steps(self.supernet.space, point)
        return self._steps[key]

    def grid(self, bits: int) -> torch.nn.Module:
        """The add's grid quantiser: the Brevitas module the trained model uses, so both round alike."""
        if bits not in self._grids:
            from hwnas.blocks.modules import grid_quant

            self._grids[bits] = grid_quant(bits)
        return self._grids[bits]

    def run(self, x: torch.Tensor, point: dict[str, Any], norm) -> torch.Tensor:
        """Logits of ``point``'s subnet for raw pixels ``x``; ``norm(y, key)`` applies a slot's BatchNorm."""
        from hwnas.search.supernet import ste_sign

        net = self.supernet
        values = {-1: x}
        steps = self.steps(point)
        for step in steps:
            shape, layer = step.shape, step.shape.layer
            ins = [values[s] for s in shape.sources]
            if shape.kind == "maxpool":
                y = F.max_pool2d(ins[0], layer.kernel, layer.effective_stride)
            elif shape.kind == "concat":
                y = torch.cat(ins, 1)
            elif shape.kind == "add":
                grid = self.grid(layer.bits)
                y = ste_sign(norm(sum(grid(v) for v in ins), step.key))
            else:
                w = ste_sign(sliced_weight(net.weights, step))
                if shape.kind == "conv":
                    # the hardware pads a -1/+1 map with -1 (the bit 0), 8-bit pixels with 0
                    pad_value = -1.0 if shape.in_bits == 1 else 0.0
                    padded = F.pad(ins[0], (layer.padding,) * 4, value=pad_value) if layer.padding else ins[0]
                    y = F.conv2d(padded, w, stride=layer.stride, dilation=layer.dilation)
                else:
                    y = F.linear(ins[0].reshape(len(ins[0]), -1), w)
                if step is steps[-1]:
                    return y * torch.exp(net.log_scale[step.key])
                y = norm(y, step.key)
                if shape.out_bits == 1:
                    y = ste_sign(y)
            values[shape.index] = y
        raise AssertionError("a subnet ends in its classifier")
