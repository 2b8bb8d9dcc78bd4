"""FIFO depths sized by simulation, as FINN's FIFO sizing does with its RTL simulator, but here on
the kernels' token schedules: a check on the cost model's depths (``hwnas.cost.fifos``), which the
generated design uses; not a second source of them.

The graph is simulated with unbounded FIFOs while the input words enter evenly spread at the rate
the slowest kernel can take them (one frame per ``max iterations per frame`` cycles); each
stream's depth is the most words it held. That schedule meets every depth constraint, so with those depths the free-running
accelerator is at least as fast, frame for frame, as the slowest kernel allows: no FIFO limits the
throughput. (The earliest schedule under the constraints is below every schedule that meets them.)
"""

from __future__ import annotations

from hwnas.sim.engine import SimStream, Timing

# enough frames for the pipeline to fill and the occupancy pattern to repeat
SIZING_FRAMES = 3
MIN_DEPTH = 2  # HLS's default stream depth


def size_fifos(nodes, streams: dict[str, SimStream], *, frames: int = SIZING_FRAMES) -> dict[str, int]:
    """The depth each stream needs so that no FIFO slows the graph ``(nodes, streams)`` down."""
    interval = max(node.schedule.iterations for node in nodes)
    unbounded = {name: SimStream(name, None, s.width) for name, s in streams.items()}
    timing = Timing(nodes, unbounded, frames, source_interval=interval)
    return {name: max(MIN_DEPTH, timing.fifo_peak(name)) for name in streams}
