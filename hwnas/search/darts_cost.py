"""The differentiable search's hardware term: the expected LUT and cycles of the network under the
current architecture weights.

Each op at each place of the macro network is costed once with hwnas's cost model: the op alone
(its padding, sliding window and MVAU with thresholds, reading a -1/+1 map of the cell's width and
size) at the folding the optimiser picks for the target's cycle budget. A cell type's (pairs, ops)
LUT table sums its cells; its cycles table keeps the slowest. The expectation under the softmax
weights is then a differentiable function of the alphas. What the tables leave out (the adds,
concats, reconvergence FIFOs, the grid thresholds of a conv that feeds an add) the exact check of
the derived network counts (``hwnas.search.study.judge``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from hwnas.arch.spec import arch_from_dict
from hwnas.board import Board
from hwnas.cost import cheapest_folding, estimate
from hwnas.search.cells import CellSpace
from hwnas.search.darts_net import cell_plan, edge_pairs


@dataclass(frozen=True)
class OpCosts:
    lut: dict[str, np.ndarray]  # cell type -> (pairs, ops): LUT of each op, summed over the cells of that type
    cycles: dict[str, np.ndarray]  # cell type -> (pairs, ops): cycles per frame of each op in its slowest cell
    fixed_lut: int  # the rest of the network (stem, pools, projections, head, classifier), exactly
    lut_budget: float  # the board's usable LUT
    cycle_budget: int  # cycles per frame the target allows

    def expected_lut(self, weights: dict[str, torch.Tensor]) -> torch.Tensor:
        return self.fixed_lut + sum((w * _like(self.lut[t], w)).sum() for t, w in weights.items())

    def penalty(self, weights: dict[str, torch.Tensor], *, lut_share: float) -> torch.Tensor:
        """Hinges on expected LUT over ``lut_share`` of the board and on each mixed edge's expected
        cycles over the frame's budget: zero while the expectation fits."""
        over_lut = torch.relu(self.expected_lut(weights) / self.lut_budget - lut_share)
        over_cycles = sum(
            torch.relu((w * _like(self.cycles[t], w)).sum(-1) / self.cycle_budget - 1.0).sum()
            for t, w in weights.items()
        )
        return over_lut + over_cycles

    def to_dict(self) -> dict:
        return {"lut": {t: v.tolist() for t, v in self.lut.items()}, "cycles": {t: v.tolist() for t, v in self.cycles.items()},
                "fixed_lut": self.fixed_lut, "lut_budget": self.lut_budget, "cycle_budget": self.cycle_budget}


def op_costs(point: dict[str, Any], space: CellSpace, image_shape: tuple[int, int, int], classes: int, board: Board,
             fps: float, fixed_lut: int) -> OpCosts:
    """The cost tables of ``point``'s macro network (its cell choices unused) at ``fps`` on ``board``;
    ``fixed_lut``: the exact LUT of the network with every edge zeroised."""
    budget = math.floor(board.clock_mhz * 1e6 / fps)
    rows = len(edge_pairs(space))
    lut: dict[str, np.ndarray] = {}
    cycles: dict[str, np.ndarray] = {}
    size = min(image_shape[1:])
    for s, c, kind in cell_plan(point):
        if s and c == 0:
            size //= 2
        per_op = [_op_cost(op, point[f"s{s}_width"], size, classes, board, budget) for op in space.ops]
        lut[kind] = lut.get(kind, np.zeros((rows, len(space.ops)))) + np.array([[l for l, _ in per_op]] * rows)
        cycles[kind] = np.maximum(cycles.get(kind, np.zeros((rows, len(space.ops)))), np.array([[c for _, c in per_op]] * rows))
    return OpCosts(lut, cycles, fixed_lut, board.budget("lut"), budget)


def _op_cost(op: str, width: int, size: int, classes: int, board: Board, cycle_budget: int) -> tuple[int, int]:
    """(LUT, cycles per frame) of one op on a ``width`` x ``size`` x ``size`` binary map at the
    cheapest folding within ``cycle_budget`` (or the fastest there is, when none is that fast)."""
    if op in ("zeroise", "skip"):
        return 0, 0
    dilation = 2 if op == "dilconv3" else 1
    conv = {"out": width, "kernel": 3, "padding": dilation}
    if dilation > 1:
        conv["dilation"] = dilation
    arch = arch_from_dict({"name": op, "input": {"channels": width, "height": size, "width": size, "bits": 1},
                           "classes": classes, "layers": [{"conv": conv}, {"linear": {"out": classes}}]})
    cycles = cycle_budget
    folding = cheapest_folding(arch, board, cycles_per_frame=cycles)
    while folding is None:  # the op cannot meet the budget: cost its fastest folding
        cycles *= 2
        folding = cheapest_folding(arch, board, cycles_per_frame=cycles)
    nodes = [n for n in estimate(arch, folding, board).nodes if n.node.layer == 0]
    return sum(n.cost.lut for n in nodes), max(n.cost.cycles_per_frame for n in nodes)


def _like(values: np.ndarray, weights: torch.Tensor) -> torch.Tensor:
    """``values`` as a tensor of ``weights``' dtype on its device (the search may run on a GPU)."""
    return torch.as_tensor(values, dtype=weights.dtype, device=weights.device)
