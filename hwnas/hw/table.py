"""Cost records: of one folding of a node (NodeCost), and of every legal folding at once (Table)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


class NodeCost(NamedTuple):
    """Immutable like a frozen dataclass, but a tuple: the search builds millions of them."""

    cycles_per_frame: int
    lut: int
    bram18: int
    uram: int = 0  # FINN places weights in URAM only with ram_style "ultra", which hwnas never sets
    dsp: int = 0  # resType "auto" is charged as LUT multipliers by FINN's model


@dataclass(frozen=True)
class Table:
    """Every legal folding of one node with its cost, as parallel numpy arrays (the optimiser's input)."""

    pe: np.ndarray
    simd: np.ndarray
    parallel_window: np.ndarray
    cycles: np.ndarray
    lut: np.ndarray
    bram18: np.ndarray


def zero_cost_table(pe: np.ndarray, simd: np.ndarray, cycles: np.ndarray) -> Table:
    """The table of a node FINN charges cycles only (no LUT or BRAM estimate), never parallel-window."""
    zeros = np.zeros(len(cycles), dtype=np.int64)
    return Table(pe=pe, simd=simd, parallel_window=zeros.astype(bool), cycles=cycles, lut=zeros, bram18=zeros)
