"""The FIFOs of the dataflow graph: every stream that must hold more than FINN's two-word handshake,
its depth from the folded schedule, its cost from FINN's ``StreamingFIFO`` resource model (our own code
of it, below: no FINN import). The
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

from functools import lru_cache
from typing import NamedTuple

from hwnas.cost.bursts import MIN_DEPTH, ON_FORGET, _stages, burst_depth, kernel_id, kernel_key, lag, pair_stages
from hwnas.hw import node_classes

OP_TYPE = "StreamingFIFO_rtl"
# nodes whose element width depends on the port (their type's ``input_bits``): always the general step
_OWN_BITS = frozenset(cls._field_defaults["op_type"] for cls in node_classes() if hasattr(cls, "input_bits"))


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


def stream_fifos(nodes, edges, *, part: str, has_uram: bool, kernels=None) -> tuple[Fifo, ...]:
    """``nodes``: the network's NodeEstimates in graph order; ``edges[i]``: the nodes node i reads;
    ``kernels``: each node's ``bursts.kernel_id`` if the caller has them.
    A FIFO on each input of each join, and on every other stream whose burst depth exceeds 2; where
    the generated design converts word widths, one on each side of the converter that needs it.

    The same as ``stream_fifos_general``, faster: a node with one input starts exactly its lag after
    its producer, so that stream's FIFOs depend on the two kernels and the element width alone and
    are cached as such (``_single_input``); joins take the general step."""
    if kernels is None:
        kernels = [kernel_id(e.node, e.fold) for e in nodes]
    starts: list[float] = []  # per node: when its schedule starts, in frames after the first node's
    fifos: list[Fifo] = []
    new = tuple.__new__
    for index, estimate in enumerate(nodes):
        reads = edges[index]
        node = estimate[0]
        if len(reads) != 1 or kernels[index] is None or node.op_type in _OWN_BITS:
            _join(nodes, edges, index, starts, fifos, part, has_uram)
            continue
        j = reads[0]
        bits = node.in_bits if hasattr(node, "in_bits") else _element_bits(nodes, edges, index, 0)
        lag_sum, made = _single_input(kernels[j], kernels[index], bits, part, has_uram)
        starts.append(starts[j] + lag_sum)
        if made:
            producer, consumer = nodes[j][0].name, node.name
            for depth, width, style, lut, bram18, uram, at_producer in made:
                fifos.append(new(Fifo, (f"{OP_TYPE}_{len(fifos)}", producer, consumer, 0, depth, width, style,
                                        lut, bram18, uram, at_producer, OP_TYPE)))
    return tuple(fifos)


@lru_cache(maxsize=1 << 16)
def _single_input(producer: int, consumer: int, bits: int, part: str, has_uram: bool):
    """A one-input consumer's stream between kernels ``producer`` and ``consumer`` (ids): (its
    stages' lags summed, ((depth, width, style, LUT, BRAM18, URAM, at producer) per FIFO deeper than
    the handshake's 2 words))."""
    path = _stages(kernel_key(producer), kernel_key(consumer), 0)
    made = []
    for stage in path:
        depth = burst_depth(stage)
        if depth <= MIN_DEPTH:
            continue
        width = _padded(stage[1][1] * bits)
        made.append((depth, width, *fifo_cost(depth, width, part, has_uram), stage is not path[-1]))
    return sum(lag(stage) for stage in path), tuple(made)


ON_FORGET.append(_single_input.cache_clear)


def _join(nodes, edges, index: int, starts: list, fifos: list, part: str, has_uram: bool) -> None:
    """``stream_fifos_general``'s step for node ``index`` (appends to ``starts`` and ``fifos``)."""
    estimate = nodes[index]
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


def stream_fifos_general(nodes, edges, *, part: str, has_uram: bool, kernels=None) -> tuple[Fifo, ...]:
    """``stream_fifos`` node by node through the general step (every node as a possible join): the
    reference the fast path is tested against (tests/cost/test_cost_fifo_fast_path.py)."""
    starts: list[float] = []
    fifos: list[Fifo] = []
    for index in range(len(nodes)):
        _join(nodes, edges, index, starts, fifos, part, has_uram)
    return tuple(fifos)


def _element_bits(nodes, edges, index: int, port: int) -> int:
    """The bits of one element of the stream into input ``port`` of node ``index`` (its FINN type):
    the node type's ``input_bits(port)`` where its inputs differ, else its ``in_bits``; for a node
    that takes its input's type (fork, requantiser, LabelSelect), the producer type's
    ``output_bits()``, else its ``out_bits``, else what the producer reads."""
    node = nodes[index].node
    if hasattr(node, "input_bits"):
        return node.input_bits(port)
    if hasattr(node, "in_bits"):
        return node.in_bits
    producer = nodes[edges[index][port]].node
    if hasattr(producer, "output_bits"):
        return producer.output_bits()
    if hasattr(producer, "out_bits"):
        return producer.out_bits
    return _element_bits(nodes, edges, edges[index][port], 0)


@lru_cache(maxsize=4096)
def fifo_cost(depth: int, width: int, part: str, has_uram: bool) -> tuple[str, int, int, int]:
    """Storage style, LUT, BRAM18 and URAM of a ``StreamingFIFO_rtl`` on FPGA ``part``: the style
    fifo.sv elaborates at this depth and width, and finn-plus's fitted cost of it (see below)."""
    style = ram_style(depth, width, "auto")
    if style == "ultra" and not has_uram:
        # fifo.sv's ladder asks for URAM past a depth whatever the part; on a part without any
        # (Zynq-7000) the lowering sets ram_style "block", which is what Vivado would fall back to
        style = ram_style(depth, width, "block")
    lut, bram18, uram = fifo_sv_cost(depth, width, style, versal=is_versal(part))
    return style, lut, bram18, uram


# fifo.sv's cost. Our own code of the model finn-plus 1.6.1 fitted to Vivado's out-of-context
# results for finn-rtllib's fifo.sv: ``_resolve`` (the style) and ``_fifo_cost`` (its BRAM18, URAM
# and LUT) in finn/util/resource_models.py, and ``is_versal`` in finn/util/basic.py. FINN's
# StreamingFIFO_rtl estimates with exactly these, so the cost model needs no FINN import;
# tests/cost/test_cost_fifo_model.py compares them with finn-plus's on a grid where it is installed.

URAM_FROM_DEPTH = 2028  # fifo.sv: a FIFO left to "auto" deeper than this asks for URAM
_LEAST_ADDRESS_BITS = {False: 9, True: 12}  # the smallest RAMB18 (512 rows) and URAM288 (4,096 rows) worth filling
_URAM_QUEUE = 16  # words the URAM path holds in its output queue
_HI_URAM_PER_BRAM = 7  # a hi space joins the URAM once it would take this many RAMB18 per URAM (fitted)
_VERSAL_URAM_LUT = 20  # the Versal URAM read path (fitted)
# simple-dual-port shapes as (bits, rows), widest first
_RAMB18 = ((36, 512), (18, 1024), (9, 2048), (4, 4096), (2, 8192), (1, 16384))
_RAMB18_VERSAL = _RAMB18[:3]
_URAM288 = ((72, 4096), (36, 8192), (18, 16384), (9, 32768))


def is_versal(part: str) -> bool:
    return part[:4] in ("xcvc", "xcve", "xcvp", "xcvm", "xqvc", "xqvm") or part[:5] in ("xqrvc", "xcv80")


def ram_style(depth: int, width: int, requested: str = "auto") -> str:
    """What fifo.sv builds: a shift register up to 33 words whatever was asked, else the request,
    else (``auto``) by depth and width."""
    if depth <= 33:
        return "srl"
    if requested != "auto":
        return requested
    if depth <= 64 and width < 12:
        return "srl"
    if depth <= 257 or width < 5:
        return "distributed"
    return "block" if depth <= URAM_FROM_DEPTH else "ultra"


def fifo_sv_cost(depth: int, width: int, style: str, *, versal: bool = False) -> tuple[int, int, int]:
    """(LUT, BRAM18, URAM) of a ``depth`` x ``width`` fifo.sv built as ``style``."""
    if depth < 2:
        return 0, 0, 0  # holds nothing; fifo.sv builds none
    counter = _clog2(depth + 1) + 1  # the control logic grows with the counters' width
    if style == "srl":
        shift = depth - 1 if depth > 4 else 4  # fifo.sv's shift register holds at least 4
        stages = -(-shift // 32)
        return stages * width + _srl_mux(stages, width, versal) + 5 * counter - 7, 0, 0
    if style == "distributed":
        rows = 1 << _clog2(depth - 1)
        return _lutram(rows, width) + (rows // 128) * (width // 2) + 8 * counter - 15, 0, 0
    ultra = style == "ultra"
    lo, hi = _spaces(depth, ultra)
    hi_rows = 1 << hi
    hi_ram = hi > 0 and hi_rows * hi_rows * width >= 1 << 20  # else the hi space is LUTRAM
    lut = (18 + 3 * width // 7) if hi else 0  # choosing between the two spaces
    if hi and not hi_ram:
        lut += _lutram(hi_rows, width) + (width if ultra else 0)  # under URAM, delayed one SRL per bit
    if not ultra:
        tiles, cascade = _bram18(1 << lo, width, versal)
        if hi_ram:
            more, deeper = _bram18(hi_rows, width, versal)
            tiles, cascade = tiles + more, max(cascade, deeper)
        return 54 + 3 * cascade + 2 * tiles // 5 + lut, tiles, 0
    uram, cascade = _uram288(1 << lo, width, versal)
    lut += 6 * counter + max(1, cascade // 4 - 2) * width + (_VERSAL_URAM_LUT if versal else 0)
    bram18 = 0
    if hi_ram:
        as_uram, as_bram = _uram288(hi_rows, width, versal)[0], _bram18(hi_rows, width, versal)[0]
        if hi >= _LEAST_ADDRESS_BITS[True] or as_bram >= _HI_URAM_PER_BRAM * as_uram:
            uram += as_uram
        else:
            bram18 = as_bram
    return lut, bram18, uram


def _clog2(x: int) -> int:
    return (x - 1).bit_length() if x > 1 else 0


def _spaces(depth: int, ultra: bool) -> tuple[int, int]:
    """Address bits of fifo.sv's lo and hi memory spaces (hi 0: one space does)."""
    need = max(depth - (_URAM_QUEUE if ultra else 0) - 1, 1)  # one word waits in the output register
    lo = _clog2(need)
    if lo > _LEAST_ADDRESS_BITS[ultra]:
        hi = _clog2(need - (1 << (lo - 1)))
        if hi < lo - 1:
            return lo - 1, max(hi, 1)
    return lo, 0


def _srl_mux(stages: int, width: int, versal: bool) -> int:
    """The mux over a cascade of SRL stages: free on UltraScale+ (F7/F8), 4:1 LUT levels on Versal."""
    if not versal or stages < 2:
        return 0
    levels = -(-(stages - 1) // 3)
    return (width * levels if stages > 2 else -(-width // 2)) - 2


def _lutram(rows: int, width: int) -> int:
    return -(-rows // 32) * -(-width // 2) * 5 // 4


@lru_cache(maxsize=None)
def _bram18(rows: int, width: int, versal: bool) -> tuple[int, int]:
    """(RAMB18 tiles, deepest cascade) of a rows x width memory. UltraScale+ may split a word over
    shapes: the fewest tiles over every split (a greedy split misses the counts Vivado reaches), on
    a tie the wider shape. Versal does not split."""
    if versal:
        return min((-(-rows // shape_rows) * -(-width // bits), -(-rows // shape_rows)) for bits, shape_rows in _RAMB18_VERSAL)
    best = [(0, 0)]  # per width w: (tiles, cascade)
    for w in range(1, width + 1):
        found = None
        for bits, shape_rows in _RAMB18:
            cascade = -(-rows // shape_rows)
            tiles, deeper = best[max(w - bits, 0)]
            if found is None or cascade + tiles < found[0]:
                found = (cascade + tiles, max(cascade, deeper))
        best.append(found)
    return best[width]


def _uram288(rows: int, width: int, versal: bool) -> tuple[int, int]:
    """(URAM288 tiles, cascade): one shape holds a whole word (the narrowest that fits on Versal)."""
    bits, shape_rows = _URAM288[0]
    if versal:
        bits, shape_rows = next((shape for shape in reversed(_URAM288) if shape[0] >= width), _URAM288[0])
    cascade = -(-rows // shape_rows)
    return cascade * -(-width // bits), cascade


def _padded(bits: int) -> int:
    return -(-bits // 8) * 8
