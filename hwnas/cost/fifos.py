"""The FIFOs of the dataflow graph: every stream that must hold more than FINN's two-word handshake,
its depth from the folded schedule, its cost from FINN's ``StreamingFIFO`` resource model. The
lowering inserts exactly these (``hwnas.lower.fifos``) and code generation sizes each stream from
them, so the estimate's totals count what the generated design builds.

Each stream needs its burst depth (``hwnas.cost.bursts``): what a consumer reading in bursts, or a
producer writing in bursts, leaves waiting in it, with the consumer lagging its producer just
enough. Where branches reconverge, a join (an ``ElementwiseAdd``, a ``StreamingConcat``) consumes
one word from every input at a time, so it starts when its latest input allows: each node starts
at the latest of its inputs' starts plus their lags, and an input whose producer started early
holds what it writes in the meantime on top of its burst. Every join input gets a FIFO, even of
depth 2.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import NamedTuple

from hwnas.cost.bursts import MIN_DEPTH, burst_depth, lag, pair_stages
from hwnas.cost.nodes import MVAU, ElementwiseAdd

OP_TYPE = "StreamingFIFO_rtl"


class Fifo(NamedTuple):
    name: str
    producer: str  # the node whose output it buffers
    consumer: str  # the node it feeds
    port: int  # the consumer's input it feeds
    depth: int  # words
    width: int  # bits per word, padded to a byte (FINN's get_instream_width_padded)
    ram_style: str  # what fifo.sv builds at this depth and width (FINN's _resolve); the lowering sets it
    lut: int
    bram18: int
    uram: int
    at_producer: bool = False  # in the producer's words, before a width converter (else the consumer's)
    op_type: str = OP_TYPE


def stream_fifos(nodes, edges, *, part: str, has_uram: bool) -> tuple[Fifo, ...]:
    """``nodes``: the network's NodeEstimates in graph order; ``edges[i]``: the nodes node i reads.
    A FIFO on each input of each join, and on every other stream whose burst depth exceeds 2; where
    the generated design converts word widths, one on each side of the converter that needs it."""
    starts: list[float] = []  # per node: when its schedule starts, in frames after the first node's
    fifos = []
    for index, estimate in enumerate(nodes):
        reads = edges[index]
        stages = [pair_stages(nodes[j].node, nodes[j].fold, estimate.node, estimate.fold, port) for port, j in enumerate(reads)]
        ready = [starts[j] + sum(lag(stage) for stage in path) for j, path in zip(reads, stages)]
        starts.append(max(ready, default=0.0))
        for port, (j, path) in enumerate(zip(reads, stages)):
            bits = _element_bits(nodes, edges, index, port)
            for stage in path:
                at_consumer = stage is path[-1]
                late = starts[-1] - ready[port] if at_consumer else 0.0
                depth = burst_depth(stage, late=late)
                if (len(reads) < 2 or not at_consumer) and depth <= MIN_DEPTH:
                    continue
                # a stage's consumer words: the converter's input is the producer's word
                width = _padded(stage[1][1] * bits)
                style, lut, bram18, uram = fifo_cost(depth, width, part, has_uram)
                fifos.append(Fifo(f"{OP_TYPE}_{len(fifos)}", nodes[j].name, estimate.name, port, depth, width, style,
                                  lut, bram18, uram, at_producer=not at_consumer))
    return tuple(fifos)


def _element_bits(nodes, edges, index: int, port: int) -> int:
    """The bits of one element of the stream into input ``port`` of node ``index`` (its FINN type)."""
    node = nodes[index].node
    if isinstance(node, ElementwiseAdd):
        return node.in_bits[port]
    if node.op_type == "StreamingConcat_hls":
        return 1  # -1/+1 maps stream as bits
    if hasattr(node, "in_bits"):
        return node.in_bits
    # nodes that take their input's type (fork, requantiser, LabelSelect): the producer's output type
    producer = nodes[edges[index][port]].node
    if isinstance(producer, ElementwiseAdd):
        return max(producer.in_bits) + 1  # a sum of two takes one bit more (FINN's MinimizeAccumulatorWidth)
    if isinstance(producer, MVAU):
        return 1 if producer.activation else producer.acc_bits
    if hasattr(producer, "out_bits"):
        return producer.out_bits
    return _element_bits(nodes, edges, edges[index][port], 0)


@lru_cache(maxsize=4096)
def fifo_cost(depth: int, width: int, part: str, has_uram: bool) -> tuple[str, int, int, int]:
    """Storage style, LUT, BRAM18 and URAM of a ``StreamingFIFO_rtl`` on FPGA ``part``, from finn-plus's own fitted model of fifo.sv (``finn.util.resource_models``, a light
    import: the formulas, not FINN's graph machinery)."""
    from finn.util.basic import is_versal
    from finn.util.resource_models import _fifo_cost, _resolve

    style = _resolve(depth, width, "auto")
    if style == "ultra" and not has_uram:
        # fifo.sv's ladder asks for URAM past a depth whatever the part; on a part without any
        # (Zynq-7000) the lowering sets ram_style "block", which is what Vivado would fall back to
        style = _resolve(depth, width, "block")
    cost = _fifo_cost(depth, width, style, is_versal(part))
    return style, int(cost.lut), int(cost.bram), int(cost.uram)


def _padded(bits: int) -> int:
    return -(-bits // 8) * 8
