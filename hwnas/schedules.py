"""Token schedules of the HLS kernels: in which loop iteration of one frame each kernel reads and
writes a stream word, from the same layer parameters the code generator fills its templates with
(``hwnas.codegen.layers.read_layers``).

Every kernel in hls_templates/kernels is one loop pipelined at II=1 whose decision to read or write
in an iteration depends only on its counters, never on the data or on the FIFOs: a schedule is
therefore a fixed list of iterations per frame, and a stalled iteration only moves later in time.
Each node type's function mirrors its kernel's loop; ``tests/sim`` checks the counts against the C-sim.

Each kind's function is its node type's ``schedule(layer)``, in the type's module in ``hwnas.hw``
(found by the registry, ``hwnas.hw.kernel_module``); a kind with two inputs or outputs (add,
concat, duplicate) returns one index array per port.
"""

from __future__ import annotations

import numpy as np

from hwnas.hw import kernel_module
from hwnas.hw.tokens import Schedule, frozen


def stream_source(words: int) -> Schedule:
    """The top's read_input: one DMA word into the first stream per iteration."""
    i = np.arange(words)
    return frozen(words, [], [i])


def stream_sink(words: int) -> Schedule:
    """The top's write_output: one class word per iteration out to the DMA."""
    i = np.arange(words)
    return frozen(words, [i], [])


def schedule(layer: dict) -> Schedule:
    return kernel_module(layer["kind"]).schedule(layer)


__all__ = ["Schedule", "schedule", "stream_sink", "stream_source"]
