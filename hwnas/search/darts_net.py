"""The DARTS search network over the cell space: every node of a cell reads every earlier state
through a mixed op, the architecture weights (alphas) mixing :data:`~hwnas.search.cells.OPS`.

Binarisation is the one the Brevitas model computes (``hwnas.model``): weights and activations are
signs with sign(0) = +1 and a straight-through gradient clipped to [-1, 1]; a padded conv on a
-1/+1 map pads with -1; a conv feeding a node's sum hands it its BatchNorm output rounded onto the
add's signed grid (a skip hands it its -1/+1 value); the sum goes through BatchNorm and sign; the
cell concatenates its nodes; the classifier's integer sums times a learnable positive scale are
the logits. The macro network (stem, stages, pools, the 1x1 projections, head) is the one
:func:`~hwnas.search.cells.cell_layers` decodes, so the derived genotype is this network with one op
per kept edge. A normal (or reduction) cell's alphas are shared by every normal (reduction) cell.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from hwnas.search.cells import CELL_INPUTS, CELL_TYPES, CellSpace, edge_sources
from hwnas.search.supernet import ste_sign


def edge_pairs(space: CellSpace) -> list[tuple[int, int]]:
    """Every (node, source) a cell's mixed ops sit on, in the row order of a cell type's alphas."""
    return [(i, j) for i in range(space.nodes) for j in edge_sources(i)]


def cell_plan(point: dict[str, Any]) -> list[tuple[int, int, str]]:
    """(stage, cell, cell type) of every cell of the macro network, in order."""
    return [(s, c, "reduce" if s and c == 0 else "normal") for s in range(point["stages"]) for c in range(point[f"s{s}_cells"])]


def _grid(x: torch.Tensor, bits: int) -> torch.Tensor:
    """Round onto the add's signed ``bits``-bit grid (scale 1), straight through."""
    half = 2.0 ** (bits - 1)
    clipped = torch.clamp(x, -half, half - 1)
    return clipped + (torch.round(clipped) - clipped).detach()


class BinaryConv(nn.Module):
    """A binary conv of a -1/+1 map (padded with -1) and its BatchNorm."""

    def __init__(self, in_channels: int, out_channels: int, kernel: int, dilation: int = 1, *, pad_value: float = -1.0):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, kernel, kernel).uniform_(-0.1, 0.1))
        self.norm = nn.BatchNorm2d(out_channels)
        self.padding = dilation * (kernel - 1) // 2
        self.dilation = dilation
        self.pad_value = pad_value

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.padding:
            x = F.pad(x, (self.padding,) * 4, value=self.pad_value)
        return self.norm(F.conv2d(x, ste_sign(self.weight), dilation=self.dilation))


class MixedCell(nn.Module):
    """One cell with a conv3 and a dilconv3 on every (node, source) pair."""

    def __init__(self, space: CellSpace, in_channels: tuple[int, int], width: int):
        super().__init__()
        self.space = space
        self.pairs = edge_pairs(space)
        self.pre = nn.ModuleList(
            [BinaryConv(c, width, 1) if c != width else nn.Identity() for c in in_channels]
        )
        self.convs = nn.ModuleDict({
            f"{op}_{p}": BinaryConv(width, width, 3, 2 if op == "dilconv3" else 1)
            for p in range(len(self.pairs)) for op in ("conv3", "dilconv3") if op in space.ops
        })
        self.norms = nn.ModuleList(nn.BatchNorm2d(width) for _ in range(space.nodes))
        self.out_channels = space.nodes * width

    def forward(self, in0: torch.Tensor, in1: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        """``weights``: (pairs, ops) softmax weights of this cell type's alphas."""
        states = [ste_sign(pre(x)) if isinstance(pre, BinaryConv) else x for pre, x in zip(self.pre, (in0, in1))]
        ops = self.space.ops
        for i in range(self.space.nodes):
            total = 0.0
            for p, (node, source) in enumerate(self.pairs):
                if node != i:
                    continue
                for k, op in enumerate(ops):
                    if op == "zeroise":
                        continue
                    value = states[source] if op == "skip" else _grid(self.convs[f"{op}_{p}"](states[source]), self.space.add_bits)
                    total = total + weights[p, k] * value
            states.append(ste_sign(self.norms[i](total)))
        return torch.cat(states[CELL_INPUTS:], dim=1)


class SearchNetwork(nn.Module):
    """The macro network of ``point`` (its cell keys unused) with mixed cells; ``alphas[t]`` is a
    (pairs, ops) tensor per cell type."""

    def __init__(self, point: dict[str, Any], space: CellSpace, image_shape: tuple[int, int, int], classes: int):
        super().__init__()
        channels, height, width = image_shape
        self.point = point
        self.plan = cell_plan(point)
        width0 = point["s0_width"]
        self.stem = BinaryConv(channels, width0, 3, pad_value=0.0)  # 8-bit pixels pad with 0
        types = sorted({t for _, _, t in self.plan}, key=CELL_TYPES.index)
        self.alphas = nn.ParameterDict({t: nn.Parameter(1e-3 * torch.randn(len(edge_pairs(space)), len(space.ops))) for t in types})
        cells, prev, prev_prev, size = [], width0, width0, min(height, width)
        for s, c, _ in self.plan:
            if s and c == 0:
                prev_prev, size = prev, size // 2
            cell = MixedCell(space, (prev, prev_prev), point[f"s{s}_width"])
            cells.append(cell)
            prev_prev, prev = prev, cell.out_channels
        self.cells = nn.ModuleList(cells)
        features = prev * (height // 2 ** (point["stages"] - 1)) * (width // 2 ** (point["stages"] - 1))
        head = []
        for i in range(point["head_layers"]):
            head += [nn.Linear(features, point[f"head{i}_width"], bias=False), nn.BatchNorm1d(point[f"head{i}_width"])]
            features = point[f"head{i}_width"]
        self.head = nn.ModuleList(head)
        self.classifier = nn.Parameter(torch.empty(classes, features).uniform_(-0.1, 0.1))
        self.log_scale = nn.Parameter(torch.tensor(-0.5 * math.log(features)))

    def architecture_parameters(self) -> list[nn.Parameter]:
        return list(self.alphas.values())

    def weight_parameters(self) -> list[nn.Parameter]:
        alpha_ids = {id(a) for a in self.alphas.values()}
        return [p for p in self.parameters() if id(p) not in alpha_ids]

    def binary_weights(self) -> list[nn.Parameter]:
        """The latent weights behind binary ones (kept in [-1, 1], never decayed)."""
        return [m.weight for m in self.modules() if isinstance(m, BinaryConv)] + [
            m.weight for m in self.head if isinstance(m, nn.Linear)] + [self.classifier]

    def op_weights(self, temperature: float) -> dict[str, torch.Tensor]:
        return {t: F.softmax(a / temperature, dim=-1) for t, a in self.alphas.items()}

    def forward(self, x: torch.Tensor, temperature: float) -> torch.Tensor:
        weights = self.op_weights(temperature)
        prev = prev_prev = ste_sign(self.stem(x))
        for (s, c, kind), cell in zip(self.plan, self.cells):
            if s and c == 0:
                prev = prev_prev = F.max_pool2d(prev, 2)
            prev_prev, prev = prev, cell(prev, prev_prev, weights[kind])
        x = prev.flatten(1)
        for linear, norm in zip(self.head[::2], self.head[1::2]):
            x = ste_sign(norm(F.linear(x, ste_sign(linear.weight))))
        return F.linear(x, ste_sign(self.classifier)) * torch.exp(self.log_scale)
