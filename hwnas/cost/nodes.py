"""The hardware nodes FINN's lowering produces for a spec, in graph order, with FINN's node names.

Every hidden conv/linear becomes an MVAU with embedded thresholds (XNOR-popcount mode when its input
is binary, quantised mode for an 8-bit input); a conv needs a sliding-window unit in front unless it is
a 1x1 stride-1 unpadded conv (lowered straight to a MatMul); a max-pool becomes a depthwise
sliding-window unit plus a Pool node; the last linear is an MVAU without activation followed by
LabelSelect. Specialisation for our binary nets always picks ``MVAU_hls`` (the RTL MVAU needs >= 4-bit
weights and no thresholds), ``ConvolutionInputGenerator_rtl``, ``FMPadding_rtl``, ``Pool_hls`` and
``LabelSelect_hls``, on every part hwnas knows.
"""

from __future__ import annotations

import math
from functools import lru_cache
from collections.abc import Callable
from typing import NamedTuple

from hwnas.arch.spec import Arch
from hwnas.cost import branch_nodes, mvau as mvau_cost, simple_nodes, swg
from hwnas.cost.fold import NodeFold, divisors
from hwnas.cost.mvau import accumulator_bits
from hwnas.mvau_types import QUANT_WEIGHT_BITS, XNOR_WEIGHT_BITS

# the thresholds of a requantiser reading bits 0/1: clipped to 0..2 (hwnas.lower.spec_types)
BINARY_THRESHOLD_BITS = 2


class MVAU(NamedTuple):
    name: str
    layer: int
    mw: int  # input width (SIMD folds it)
    mh: int  # output channels (PE folds it)
    vectors: int  # input vectors per frame (output pixels for a conv)
    in_bits: int  # 1: binary input (XNOR mode), 8: quantised input
    weight_bits: int
    activation: bool  # embedded thresholds (False only for the last layer)
    acc_bits: int  # accumulator width FINN's LUT model charges (see mvau.accumulator_bits)
    op_type: str = "MVAU_hls"

    @property
    def xnor(self) -> bool:
        return self.in_bits == 1

    # each node type carries its own rules: legal, cost, table, candidate_folds, finn_config,
    # divided_dimensions and describe (hwnas.cost.node_cost, folding and the report call them)
    cost = mvau_cost.evaluate
    table = mvau_cost.table

    def legal(self, fold: NodeFold) -> bool:
        return not fold.parallel_window and mvau_cost.legal(self, fold)

    def candidate_folds(self) -> list[NodeFold]:
        # the optimiser's candidates keep to SetFolding's weight-width cap and FINN's widest HLS
        # ap_int, as table() does
        return [NodeFold(pe, simd) for pe in divisors(self.mh) for simd in divisors(self.mw)
                if simd * self.weight_bits <= mvau_cost.WEIGHT_WIDTH_MAX
                and pe * simd * self.weight_bits <= mvau_cost.MAX_AP_INT_WIDTH]

    def finn_config(self, fold: NodeFold) -> dict:
        return {"PE": fold.pe, "SIMD": fold.simd}

    def divided_dimensions(self) -> dict[str, tuple[str, int]]:
        return {"PE": ("MH", self.mh), "SIMD": ("MW", self.mw)}

    def describe(self) -> str:
        mode = "xnor" if self.xnor else f"{self.in_bits}-bit in"
        return f"{self.mw}->{self.mh} x{self.vectors} ({mode})"


class SlidingWindow(NamedTuple):
    name: str
    layer: int
    channels: int
    ifm: tuple[int, int]
    ofm: tuple[int, int]
    kernel: int
    stride: int
    in_bits: int
    depthwise: bool  # True in front of a Pool: its SIMD is the Pool's PE
    dilation: int = 1
    op_type: str = "ConvolutionInputGenerator_rtl"

    cost = swg.evaluate
    table = swg.table

    def legal(self, fold: NodeFold) -> bool:
        return fold.pe == 1 and swg.legal(self, fold)

    def candidate_folds(self) -> list[NodeFold]:
        return [NodeFold(1, simd, parallel) for parallel in (False, True) for simd in divisors(self.channels)]

    def finn_config(self, fold: NodeFold) -> dict:
        return {"SIMD": fold.simd, "parallel_window": int(fold.parallel_window)}

    def divided_dimensions(self) -> dict[str, tuple[str, int]]:
        return {"SIMD": ("IFMChannels", self.channels)}

    def describe(self) -> str:
        kind = "pool window" if self.depthwise else "window"
        return f"{self.channels}x{self.ifm[0]}x{self.ifm[1]} {kind} k{self.kernel} s{self.stride}"


class Padding(NamedTuple):
    name: str
    layer: int
    channels: int
    ifm: tuple[int, int]
    padding: int
    in_bits: int
    op_type: str = "FMPadding_rtl"

    cost = simple_nodes.padding_cost
    table = simple_nodes.padding_table

    def legal(self, fold: NodeFold) -> bool:
        return fold.pe == 1 and not fold.parallel_window and simple_nodes.padding_legal(self, fold)

    def candidate_folds(self) -> list[NodeFold]:
        return [NodeFold(1, simd) for simd in divisors(self.channels)]

    def finn_config(self, fold: NodeFold) -> dict:
        return {"SIMD": fold.simd}

    def divided_dimensions(self) -> dict[str, tuple[str, int]]:
        return {"SIMD": ("NumChannels", self.channels)}

    def describe(self) -> str:
        return f"{self.channels}x{self.ifm[0]}x{self.ifm[1]} pad {self.padding}"


class Pool(NamedTuple):
    name: str
    layer: int
    channels: int
    kernel: int
    ofm: tuple[int, int]
    in_bits: int
    op_type: str = "Pool_hls"

    cost = simple_nodes.pool_cost
    table = simple_nodes.pool_table

    def legal(self, fold: NodeFold) -> bool:
        return fold.simd == 1 and not fold.parallel_window and simple_nodes.pool_legal(self, fold)

    def candidate_folds(self) -> list[NodeFold]:
        return [NodeFold(pe) for pe in divisors(self.channels)]

    finn_config = branch_nodes.pe_config

    def divided_dimensions(self) -> dict[str, tuple[str, int]]:
        return {"PE": ("Channels", self.channels)}

    def describe(self) -> str:
        return f"{self.channels}x{self.ofm[0]}x{self.ofm[1]} max k{self.kernel}"


class LabelSelect(NamedTuple):
    name: str
    layer: int
    labels: int
    op_type: str = "LabelSelect_hls"

    cost = simple_nodes.labelselect_cost
    table = simple_nodes.labelselect_table

    def legal(self, fold: NodeFold) -> bool:
        return fold.simd == 1 and not fold.parallel_window and simple_nodes.labelselect_legal(self, fold)

    def candidate_folds(self) -> list[NodeFold]:
        return [NodeFold(pe) for pe in divisors(self.labels)]

    finn_config = branch_nodes.pe_config

    def divided_dimensions(self) -> dict[str, tuple[str, int]]:
        return {"PE": ("Labels", self.labels)}

    def describe(self) -> str:
        return f"top-1 of {self.labels}"


class DuplicateStreams(NamedTuple):
    name: str
    layer: int  # the layer whose output fans out
    channels: int
    pixels: int  # words per channel per frame (1 for a flat vector)
    outputs: int
    op_type: str = "DuplicateStreams_hls"

    legal = branch_nodes.stream_legal
    candidate_folds = branch_nodes.stream_folds
    finn_config = branch_nodes.pe_config
    divided_dimensions = branch_nodes.channel_dimensions
    cost = branch_nodes.stream_cost
    table = branch_nodes.stream_table

    def describe(self) -> str:
        return f"{self.channels}x{self.pixels} to {self.outputs} streams"


class ElementwiseAdd(NamedTuple):
    name: str
    layer: int
    channels: int
    pixels: int
    in_bits: tuple[int, int] = (0, 0)  # the signed integer width of each input (its FIFO's word)
    op_type: str = "ElementwiseAdd_hls"

    legal = branch_nodes.stream_legal
    candidate_folds = branch_nodes.stream_folds
    finn_config = branch_nodes.pe_config
    divided_dimensions = branch_nodes.channel_dimensions
    cost = branch_nodes.stream_cost
    table = branch_nodes.stream_table

    def describe(self) -> str:
        return f"{self.channels}x{self.pixels} add"


class Thresholding(NamedTuple):
    """A standalone threshold unit: a -1/+1 input requantised onto an add's grid, or the sign after an add."""

    name: str
    layer: int
    channels: int
    pixels: int
    weight_bits: int  # the thresholds' type, from the spec (hwnas.lower.spec_types)
    out_bits: int
    op_type: str = "Thresholding_rtl"

    legal = branch_nodes.stream_legal
    candidate_folds = branch_nodes.stream_folds
    finn_config = branch_nodes.pe_config
    divided_dimensions = branch_nodes.channel_dimensions
    cost = branch_nodes.threshold_cost
    table = branch_nodes.threshold_table

    def describe(self) -> str:
        return f"{self.channels}x{self.pixels} to {self.out_bits}-bit"


# Nodes are typed NamedTuples rather than frozen dataclasses: as immutable, but built three times
# faster, and the search builds twenty of them per architecture it judges.

HwNode = MVAU | SlidingWindow | Padding | Pool | LabelSelect | DuplicateStreams | ElementwiseAdd | Thresholding


def hardware_nodes(arch: Arch) -> tuple[HwNode, ...]:
    """The nodes of the folded dataflow graph (``hardware_graph`` without the edges), cached: the
    search asks for the same spec often."""
    return _hardware_nodes(arch)


def _hardware_nodes(arch: Arch) -> tuple[HwNode, ...]:
    return hardware_graph(arch)[0]


class NodeGraph:
    """The hardware nodes being built for a spec: each layer kind adds its own (``hardware`` in
    ``hwnas.kinds``) and returns the node whose output is the layer's value."""

    def __init__(self, arch: Arch, grid_readers: dict[tuple[int, int], int] | None = None):
        self.arch = arch
        self.last_layer = len(arch.layers) - 1
        self.nodes: list[HwNode] = []
        self.inputs: list[tuple[int, ...]] = []
        self.grid_readers = grid_readers or {}  # (binary layer, grid bits) -> the adds reading it
        self._on_grid: dict[tuple[int, int], int] = {}

    def on_grid(self, source: int, make: Callable[[], HwNode], read: int, copy: Callable[[int], HwNode]) -> int:
        """The node giving binary layer ``source``'s value on an add's grid: ``make()`` (a Thresholding
        reading ``read``) once, shared by every add of that grid reading ``source`` through a
        DuplicateStreams (``copy(readers)``), as FINN's streamlining merges their identical quantisers."""
        key = (source, make().out_bits)
        if key not in self._on_grid:
            node = self.add(make(), read)
            readers = self.grid_readers.get(key, 1)
            self._on_grid[key] = self.add(copy(readers), node) if readers > 1 else node
        return self._on_grid[key]

    def add(self, node: HwNode, *reads: int) -> int:
        self.nodes.append(node)
        self.inputs.append(reads)
        return len(self.nodes) - 1


@lru_cache(maxsize=4096)
def hardware_graph(arch: Arch) -> tuple[tuple[HwNode, ...], tuple[tuple[int, ...], ...]]:
    """The nodes in FINN's order and, per node, the indices of the nodes it reads (in port order).

    FINN names nodes by op type in graph order; the lowering puts its graph in the order
    ``canonical_order`` gives (a depth-first walk from the output, inputs in port order), so names
    agree here and there. For a chain that is the chain's own order.
    """
    shapes = arch.shapes()
    readers: dict[int, int] = {}
    grid_readers: dict[tuple[int, int], int] = {}
    for shape in shapes:
        for source, port in zip(shape.sources, shape.ins):
            bits = shape.layer.grid_bits
            if bits is not None and port.bits == 1:  # adds of one grid share one requantised copy
                grid_readers[(source, bits)] = grid_readers.get((source, bits), 0) + 1
                if grid_readers[(source, bits)] > 1:
                    continue
            readers[source] = readers.get(source, 0) + 1
    graph = NodeGraph(arch, grid_readers)
    produced: dict[int, int] = {-1: -1}  # -1: the network input
    values: dict[int, tuple[int, ...]] = {-1: arch.input.shape}
    forks: dict[int, int] = {}

    def output_of(source: int) -> int:
        # a value read by several layers leaves through one DuplicateStreams
        if readers.get(source, 0) < 2:
            return produced[source]
        if source not in forks:
            channels, pixels = values[source][0], math.prod(values[source][1:])
            forks[source] = graph.add(DuplicateStreams("", source, channels, pixels, readers[source]), produced[source])
        return forks[source]

    for shape in shapes:
        reads = [output_of(source) for source in shape.sources]
        produced[shape.index] = shape.layer.hardware(shape, reads, graph)
        values[shape.index] = shape.out_shape
    output = graph.add(LabelSelect("", graph.last_layer, arch.classes), produced[graph.last_layer])
    chain = output == len(graph.inputs) - 1 and all(reads == (i - 1,) for i, reads in enumerate(graph.inputs))
    # a chain's walk from the output is the chain's own order
    order = range(len(graph.inputs)) if chain else canonical_order(graph.inputs, output)
    counters: dict[str, int] = {}
    named = []
    new = tuple.__new__
    for old in order:
        node = graph.nodes[old]
        # GiveUniqueNodeNames numbers nodes per op type in graph order
        index = counters.get(node.op_type, 0)
        counters[node.op_type] = index + 1
        named.append(new(type(node), (f"{node.op_type}_{index}", *node[1:])))  # node._replace(name=...), faster
    if chain:
        edges = ((),) + tuple((i,) for i in range(len(order) - 1))
    else:
        position = {old: at for at, old in enumerate(order)}
        edges = tuple(tuple(position[j] for j in graph.inputs[old] if j >= 0) for old in order)
    return tuple(named), edges


def canonical_order(inputs: list[tuple[int, ...]] | tuple[tuple[int, ...], ...], output: int) -> list[int]:
    """Node indices in post-order of a depth-first walk from ``output`` through each node's inputs
    in port order (negative indices: graph inputs). The lowering sorts FINN's graph the same way."""
    order: list[int] = []
    seen: set[int] = set()
    stack: list[tuple[int, int]] = [(output, 0)]
    while stack:
        node, port = stack.pop()
        if port == 0:
            if node in seen:
                continue
            seen.add(node)
        reads = [j for j in inputs[node] if j >= 0]
        if port < len(reads):
            stack.append((node, port + 1))
            if reads[port] not in seen:
                stack.append((reads[port], 0))
        else:
            order.append(node)
    return order


def mvau(layer: int, mw: int, mh: int, vectors: int, in_bits: int, *, activation: bool) -> MVAU:
    weight_bits = XNOR_WEIGHT_BITS if in_bits == 1 else QUANT_WEIGHT_BITS
    acc_bits = accumulator_bits(mw, in_bits, weight_bits)
    return MVAU("", layer, mw, mh, vectors, in_bits, weight_bits, activation, acc_bits)
