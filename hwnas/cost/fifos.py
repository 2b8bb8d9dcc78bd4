"""FIFOs where branches reconverge: their depths from the folded schedule, their cost from FINN's
``StreamingFIFO`` resource model.

A join (an ``ElementwiseAdd``, a ``StreamingConcat``) consumes one word from every input at a time,
so an input whose first word arrives early must hold what it produces until the latest input's
first word arrives. Per node, ``first_word`` is the cycle at which it emits its first output word
when a frame enters the network at cycle 0: the latest of its inputs' first words plus its own
lead, the share of a frame of input it must read before it can write (one input vector of an
MVAU, the buffered rows of a sliding window, one window of a pool) times the cycles a frame takes
on the way to it (the slowest node it depends on sets the pace). An early input then fills for
``latest - its first word`` cycles at its own pace, ``words per frame / cycles per frame`` of the
slowest node behind it. Every join input also keeps FINN's two-word handshake minimum.

Chains have no joins and get no FIFOs: their estimates are unchanged.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import NamedTuple

from hwnas.cost.nodes import MVAU, ElementwiseAdd, LabelSelect, Pool, SlidingWindow

MIN_DEPTH = 2  # a FIFO of depth < 2 holds nothing (FINN charges it nothing and fifo.sv refuses it)
OP_TYPE = "StreamingFIFO_rtl"


class Fifo(NamedTuple):
    name: str
    producer: str  # the node whose output it buffers
    consumer: str  # the join it feeds
    port: int  # the consumer's input it feeds
    depth: int  # words
    width: int  # bits per word, padded to a byte (FINN's get_instream_width_padded)
    ram_style: str  # what fifo.sv builds at this depth and width (FINN's _resolve); the lowering sets it
    lut: int
    bram18: int
    uram: int
    op_type: str = OP_TYPE


def reconvergence_fifos(nodes, edges, *, part: str, has_uram: bool) -> tuple[Fifo, ...]:
    """``nodes``: the network's NodeEstimates in graph order; ``edges[i]``: the nodes node i reads."""
    if all(len(reads) < 2 for reads in edges):
        return ()  # a chain (the search's inner loop): nothing reconverges
    pace: list[int] = []  # per node: the largest cycles per frame of it and every node it depends on
    first_word: list[float] = []
    for index, estimate in enumerate(nodes):
        reads = edges[index]
        pace.append(max([estimate.cost.cycles_per_frame, *(pace[j] for j in reads)]))
        start = max((first_word[j] for j in reads), default=0.0)
        first_word.append(start + _lead(estimate.node) * pace[-1])
    fifos = []
    for index, estimate in enumerate(nodes):
        reads = edges[index]
        if len(reads) < 2:
            continue
        latest = max(first_word[j] for j in reads)
        for port, j in enumerate(reads):
            words, width = join_port(estimate.node, estimate.fold, port)
            backlog = (latest - first_word[j]) * words / pace[j]
            depth = MIN_DEPTH + math.ceil(backlog)
            style, lut, bram18, uram = fifo_cost(depth, width, part, has_uram)
            fifos.append(Fifo(f"{OP_TYPE}_{len(fifos)}", nodes[j].name, estimate.name, port, depth, width, style, lut, bram18, uram))
    return tuple(fifos)


def join_port(node, fold, port: int) -> tuple[int, int]:
    """Words per frame and padded word width in bits on input ``port`` of a join at ``fold``."""
    if isinstance(node, ElementwiseAdd):
        return node.pixels * node.channels // fold.pe, _padded(fold.pe * node.in_bits[port])
    # StreamingConcat: -1/+1 maps stream as bits, SIMD channels a word
    return node.pixels * node.channels[port] // fold.simd, _padded(fold.simd)


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


def _lead(node) -> float:
    """The share of a frame of input a node reads before it writes its first word."""
    if isinstance(node, MVAU):
        return 1 / node.vectors
    if isinstance(node, SlidingWindow):
        ifm_h, ifm_w = node.ifm
        reach = (node.kernel - 1) * node.dilation
        return min(1.0, (reach * ifm_w + reach + 1) / (ifm_h * ifm_w))
    if isinstance(node, Pool):
        return 1 / math.prod(node.ofm)
    if isinstance(node, LabelSelect):
        return 1.0
    return 0.0  # stream nodes (fork, add, requantiser, concat, padding) pass words on as they come


def _padded(bits: int) -> int:
    return -(-bits // 8) * 8
