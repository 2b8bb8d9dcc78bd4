"""The folding of one node, and the divisor helper every legality rule uses."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class NodeFold:
    pe: int = 1
    simd: int = 1
    parallel_window: bool = False  # sliding-window unit only: emit the whole window per cycle


UNFOLDED = NodeFold()


@lru_cache(maxsize=None)
def divisors(n: int) -> tuple[int, ...]:
    return tuple(d for d in range(1, n + 1) if n % d == 0)
