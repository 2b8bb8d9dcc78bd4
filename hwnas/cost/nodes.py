"""The hardware nodes FINN's lowering produces for a spec, in graph order, with FINN's node names.

Each layer kind adds its own nodes (``hardware`` in ``hwnas.kinds``; the node types are in
``hwnas.hw``): every hidden conv/linear becomes an MVAU with embedded thresholds, a conv needs a
sliding-window unit in front unless it is a 1x1 stride-1 unpadded conv, a max-pool becomes a
depthwise sliding-window unit plus a Pool node, and the last linear is an MVAU without activation
followed by LabelSelect. Specialisation for our binary nets always picks ``MVAU_hls``,
``ConvolutionInputGenerator_rtl``, ``FMPadding_rtl``, ``Pool_hls`` and ``LabelSelect_hls``, on every
part hwnas knows.
"""

from __future__ import annotations

import math
from functools import lru_cache
from collections.abc import Callable

from hwnas.arch.spec import Arch
from hwnas.hw import DuplicateStreams, HwNode, LabelSelect


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

