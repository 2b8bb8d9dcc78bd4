"""Every legal folding of one node with its cost, as parallel numpy arrays (the optimiser's input)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Table:
    pe: np.ndarray
    simd: np.ndarray
    parallel_window: np.ndarray
    cycles: np.ndarray
    lut: np.ndarray
    bram18: np.ndarray
