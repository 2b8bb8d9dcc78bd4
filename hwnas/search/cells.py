"""A cell search space after BNAS and BARS, decoded to the graph specs ``estimate``, ``lower`` and
``build`` take.

The network is a stem conv (and a 2x2 max pool with ``stem_pool``), then stages of cells; a stage
after the first starts with a 2x2 max pool (hwnas's convs have stride 1, so downsampling is a pool, unpadded, which lowers through FINN on
-1/+1 maps), and its first cell is a *reduction* cell with its own genotype, the others *normal*
cells. The macro choices are BARS's: the number of stages, cells per stage, a width per stage, and
the fully connected head.

A cell reads two inputs: the output before it (input 0) and the one before that at the same
resolution (input 1, the inter-cell skip; the first cell of a stage reads its input twice). Each
input whose channel count is not the stage's width is first projected by a binary 1x1 conv (as
DARTS's preprocessing). A cell has ``nodes`` nodes; node ``i`` sums two edges, each an op from
:data:`OPS` applied to one of the cell's inputs or an earlier node (indices ``0, 1`` the inputs,
``2 + k`` node ``k``). The sum is an ``add`` on a signed ``add_bits``-bit grid (then BatchNorm and
sign, as every add). ``zeroise`` drops its edge: a node with one live edge is that edge's value, a
node of two ``zeroise`` edges drops out. The cell's output concatenates its live nodes; a cell all
of whose nodes dropped out passes its input 0 on, and a cell that does not read its input 0 (directly
or through its projection) concatenates it to its output (else the cell before would feed nothing).

A point is a flat dict of named choices, what Optuna stores: ``stages``, ``s{s}_cells``,
``s{s}_width``, ``head_layers``, ``head{i}_width`` and, per cell type ``t`` in ``normal``/``reduce``,
node ``i`` and edge ``e``, ``{t}_n{i}_e{e}_op`` and ``{t}_n{i}_e{e}_in``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

OPS = ("zeroise", "skip", "dilconv3", "conv3")  # ordered small to large (ExtremeChoices picks ends)
CELL_TYPES = ("normal", "reduce")
CELL_INPUTS = 2


@dataclass(frozen=True)
class CellSpace:
    """Normal and reduction cells of ``nodes`` two-edge nodes over :data:`OPS`, and BARS's macro choices."""

    stages: tuple[int, ...] = (2, 3)
    cells: tuple[int, ...] = (1, 2)  # per stage, the reduction cell included
    widths: tuple[int, ...] = (16, 32, 48)
    nodes: int = 2
    ops: tuple[str, ...] = OPS
    add_bits: int = 4
    head_layers: tuple[int, ...] = (0, 1)
    head_widths: tuple[int, ...] = (64, 128)
    input_bits: int = 8
    stem_pool: bool = False  # a 2x2 max pool after the stem: cells on a quarter of the pixels (a CPU's budget)

    def __post_init__(self):
        unknown = set(self.ops) - set(OPS)
        if unknown:
            raise ValueError(f"unknown cell ops {sorted(unknown)}; known: {', '.join(OPS)}")
        if self.nodes < 1 or not self.ops:
            raise ValueError("a cell needs at least one node and one op")


def parse_cell_ops(text: str) -> tuple[str, ...]:
    """``--cell-ops``: comma-separated ops of :data:`OPS`, returned in :data:`OPS`'s order (so one op
    set has one identity, and the extreme choices stay the smallest and largest op)."""
    from hwnas.errors import UserError

    given = [op.strip() for op in text.split(",") if op.strip()]
    unknown = [op for op in given if op not in OPS]
    if unknown:
        raise UserError(f"--cell-ops: unknown op {unknown[0]!r}; known: {', '.join(OPS)}")
    if not set(given) - {"zeroise"}:
        raise UserError(f"--cell-ops needs at least one op besides zeroise, got {text!r}")
    return tuple(op for op in OPS if op in given)


@dataclass(frozen=True)
class Edge:
    op: str
    source: int  # 0, 1: the cell's inputs; 2 + k: node k


Genotype = dict[str, tuple[tuple[Edge, ...], ...]]  # cell type -> per node, its edges


def edge_keys(space: CellSpace) -> list[tuple[str, int, int]]:
    """Every (cell type, node, edge) of the space: the edges a differentiable search weighs."""
    return [(t, i, e) for t in CELL_TYPES for i in range(space.nodes) for e in range(2)]


def edge_sources(node: int) -> list[int]:
    """What edge of node ``node`` may read: the cell's two inputs and the nodes before it."""
    return list(range(CELL_INPUTS + node))


def sample_cells(space: CellSpace, source, image_size: int) -> dict[str, Any]:
    """Draw one point from ``source`` (a :class:`~hwnas.search.space.ChoiceSource`)."""
    stages = source.suggest_categorical("stages", list(space.stages))
    point: dict[str, Any] = {}
    size, built = stem_side(space, image_size), 0
    for s in range(stages):
        if s and size < 2 * 3:  # a pool would leave a map too small for a 3x3 window
            break
        if s:
            size //= 2
        point[f"s{s}_width"] = source.suggest_categorical(f"s{s}_width", list(space.widths))
        point[f"s{s}_cells"] = source.suggest_categorical(f"s{s}_cells", list(space.cells))
        built += 1
    point["stages"] = built
    for t in CELL_TYPES:
        if t == "reduce" and built < 2:
            continue  # no stage starts with a reduction cell
        for i in range(space.nodes):
            for e in range(2):
                point[f"{t}_n{i}_e{e}_op"] = source.suggest_categorical(f"{t}_n{i}_e{e}_op", list(space.ops))
                point[f"{t}_n{i}_e{e}_in"] = source.suggest_categorical(f"{t}_n{i}_e{e}_in", edge_sources(i))
    head = source.suggest_categorical("head_layers", list(space.head_layers))
    point["head_layers"] = head
    for i in range(head):
        point[f"head{i}_width"] = source.suggest_categorical(f"head{i}_width", list(space.head_widths))
    return point


def stem_side(space: CellSpace, image_size: int) -> int:
    """The side of the map the first stage's cells see."""
    return image_size // 2 if space.stem_pool else image_size


def genotype_of(point: dict[str, Any], space: CellSpace) -> Genotype:
    return {
        t: tuple(
            tuple(Edge(point[f"{t}_n{i}_e{e}_op"], point[f"{t}_n{i}_e{e}_in"]) for e in range(2))
            for i in range(space.nodes)
        )
        for t in CELL_TYPES
        if f"{t}_n0_e0_op" in point
    }


class _Builder:
    """Appends spec layers (plain dicts) with unique names and tracks each value's channel count."""

    def __init__(self, in_channels: int):
        self.layers: list[dict] = []
        self.channels: dict[str, int] = {"input": in_channels}
        self.segments: dict[str, tuple[int, ...]] = {}  # concat name -> the segment of each of its inputs

    def add(self, name: str, kind: str, params: dict, inputs: list[str], channels: int) -> str:
        self.layers.append({kind: params, "name": name, "inputs": list(inputs)})
        self.channels[name] = channels
        return name


def cell_layers(point: dict[str, Any], space: CellSpace, in_channels: int) -> list[dict]:
    """The spec's layer list (without the classifier) for ``point``."""
    return cell_graph(point, space, in_channels)[0]


def cell_graph(point: dict[str, Any], space: CellSpace, in_channels: int) -> tuple[list[dict], dict[str, tuple[int, ...]]]:
    """The spec's layer list (without the classifier) and, per cell concat, what each of its inputs
    is: node ``i`` (the first node holding that value), or ``space.nodes`` for input 0 passed on. The
    supernet places each at a fixed channel offset of the layer reading the cell's output."""
    genotype = genotype_of(point, space)
    b = _Builder(in_channels)
    width0 = point["s0_width"]
    prev = b.add("stem", "conv", {"out": width0, "kernel": 3, "padding": 1}, ["input"], width0)
    if space.stem_pool:
        prev = b.add("stem_pool", "maxpool", {"kernel": 2}, [prev], width0)
    prev_prev = prev
    for s in range(point["stages"]):
        width = point[f"s{s}_width"]
        if s:
            prev = prev_prev = b.add(f"s{s}_pool", "maxpool", {"kernel": 2}, [prev], b.channels[prev])
        for c in range(point[f"s{s}_cells"]):
            kind = "reduce" if s and c == 0 else "normal"
            out = _cell(b, f"s{s}c{c}", genotype[kind], space, width, prev, prev_prev)
            prev_prev, prev = prev, out
    for i in range(point["head_layers"]):
        prev = b.add(f"fc{i}", "linear", {"out": point[f"head{i}_width"]}, [prev], point[f"head{i}_width"])
    return b.layers, b.segments


def _cell(b: _Builder, tag: str, nodes, space: CellSpace, width: int, in0: str, in1: str) -> str:
    reads = {edge.source for node in nodes for edge in node if edge.op != "zeroise"}
    values: dict[int, str | None] = {}
    for k, name in enumerate((in0, in1)):
        if k in reads:
            if b.channels[name] != width:  # project to the cell's width (DARTS's preprocessing)
                name = b.add(f"{tag}_pre{k}", "conv", {"out": width, "kernel": 1}, [name], width)
            values[k] = name
    live: dict[str, int] = {}  # value -> its segment: the first node holding it
    for i, node in enumerate(nodes):
        terms = []
        for e, edge in enumerate(node):
            source = values.get(edge.source)
            if edge.op == "zeroise" or source is None:  # a dropped node's edge carries nothing
                continue
            if edge.op == "skip":
                terms.append(source)
            else:
                dilation = 2 if edge.op == "dilconv3" else 1
                params = {"out": width, "kernel": 3, "padding": dilation}
                if dilation > 1:
                    params["dilation"] = dilation
                terms.append(b.add(f"{tag}_n{i}_e{e}", "conv", params, [source], width))
        terms = list(dict.fromkeys(terms))  # two skips of one value: the value once
        if len(terms) == 2:
            values[CELL_INPUTS + i] = b.add(f"{tag}_n{i}", "add", {"bits": space.add_bits}, terms, width)
        elif terms:
            values[CELL_INPUTS + i] = terms[0]
        else:
            values[CELL_INPUTS + i] = None
        if values[CELL_INPUTS + i] is not None:
            live.setdefault(values[CELL_INPUTS + i], i)
    if 0 not in values:  # input 0 unread: the cell passes it on, so the cell before stays in the graph
        live.setdefault(in0, len(nodes))
    if len(live) == 1:
        return next(iter(live))
    b.segments[tag] = tuple(live.values())
    return b.add(tag, "concat", {}, list(live), sum(b.channels[name] for name in live))
