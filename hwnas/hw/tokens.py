"""A kernel's token schedule: in which loop iteration of one frame it reads and writes each stream
word (``hwnas.schedules`` says how the schedules are found; each node type's module computes its own
with ``schedule(layer)``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Schedule:
    """One frame of a kernel: ``iterations`` loop iterations (cycles when nothing stalls); for each
    input port the iterations that read a word, for each output port those that write one (sorted,
    the k-th entry handles the port's k-th word of the frame)."""

    iterations: int
    reads: tuple[np.ndarray, ...]
    writes: tuple[np.ndarray, ...]


def frozen(iterations: int, reads: list, writes: list) -> Schedule:
    arrays = []
    for group in (reads, writes):
        frozen_group = []
        for indices in group:
            array = np.asarray(indices, dtype=np.int64)
            array.flags.writeable = False
            frozen_group.append(array)
        arrays.append(tuple(frozen_group))
    return Schedule(iterations, *arrays)


def earliest(lower: np.ndarray) -> np.ndarray:
    """The earliest iterations of a sequence, one per iteration at most, each at or after its ``lower``."""
    steps = np.arange(len(lower), dtype=np.int64)
    return np.maximum.accumulate(lower - steps) + steps
