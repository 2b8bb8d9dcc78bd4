"""The width converter (``StreamingDataWidthConverter``): where a producer's words and its consumer's
differ in width, the generated design converts between them (FINN's InsertDWC, or code generation
where the graph lacks one). The cost model prices no node for it; its token schedule sits between
the two kernels' (``hwnas.cost.bursts``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from hwnas.hw import tokens

KIND = "dwc"  # the kernel the generated design calls for this node type (``hwnas.hw.KERNEL_MODULES``)
NODE = None  # inserted where word widths differ, not a node of the cost model's graph


def schedule(layer: dict) -> tokens.Schedule:
    return dwc_schedule(layer["in_width"], layer["out_width"], layer["in_words"])


@lru_cache(maxsize=1024)
def dwc_schedule(in_width: int, out_width: int, in_words: int) -> tokens.Schedule:
    """hwnas::width_convert's loop: read while the buffer lacks an output word, then write
    whenever a whole one is buffered. Splitting (in_width >= out_width), it writes every iteration
    and reads word k in iteration k * in_width // out_width; merging, it reads every iteration and
    writes word w in the iteration its last bit arrives. (``tests/sim/test_sim_schedules.py``
    checks this against the loop.)"""
    out_words = in_width * in_words // out_width
    if in_width >= out_width:
        reads = np.arange(in_words, dtype=np.int64) * in_width // out_width
        return tokens.frozen(out_words, [reads], [np.arange(out_words, dtype=np.int64)])
    writes = -(-(np.arange(1, out_words + 1, dtype=np.int64) * out_width) // in_width) - 1
    iterations = int(writes[-1]) + 1 if out_words else 0
    return tokens.frozen(iterations, [np.arange(min(in_words, iterations), dtype=np.int64)], [writes])
