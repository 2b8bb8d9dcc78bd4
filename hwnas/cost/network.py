"""Network estimate: per-node cost summed, fps from the slowest node, utilisation against the board."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from hwnas.arch.spec import Arch
from hwnas.board import LIMITED_KINDS, Board
from hwnas.cost.bursts import ON_FORGET, kernel_id
from hwnas.cost.fifos import Fifo, stream_fifos
from hwnas.cost.folding import Folding
from hwnas.cost.node_cost import EVALUATORS, NodeCost
from hwnas.cost.nodes import hardware_graph
from hwnas.hw import MVAU, HwNode, mvau
from hwnas.hw.fold import UNFOLDED as _UNFOLDED, NodeFold


class NodeEstimate(NamedTuple):
    node: HwNode
    fold: NodeFold
    cost: NodeCost

    @property
    def name(self) -> str:
        return self.node.name


@dataclass(frozen=True)
class NetworkEstimate:
    arch_name: str
    board_name: str
    clock_mhz: float
    nodes: tuple[NodeEstimate, ...]
    cycles_per_frame: int  # the slowest node's cycles: the dataflow pipeline's initiation interval
    latency_cycles: int  # one frame along the longest path of nodes (FINN's critical-path latency)
    lut: int
    bram18: int
    uram: int
    dsp: int
    utilisation: dict[str, float]  # used / usable (device total times the board's limit)
    bottleneck: str  # name of the slowest node
    binding_resource: str  # the resource with the highest utilisation
    fits: bool
    roofline_fps: float  # compute bound: no folding could beat it on this board
    fifos: tuple[Fifo, ...] = ()  # every stream deeper than the handshake's 2 words (hwnas.cost.fifos)

    @property
    def fps(self) -> float:
        return self.clock_mhz * 1e6 / self.cycles_per_frame

    @property
    def latency_us(self) -> float:
        return self.latency_cycles / self.clock_mhz


def estimate(arch: Arch, folding: Folding, board: Board) -> NetworkEstimate:
    hw_nodes, edges = hardware_graph(arch)
    return estimate_nodes(arch.name, hw_nodes, folding, board, edges=edges)


def estimate_nodes(
    arch_name: str, hw_nodes: tuple[HwNode, ...], folding: Folding, board: Board, *, edges: tuple | None = None
) -> NetworkEstimate:
    """``edges[i]``: the nodes node i reads (``hardware_graph``); None for a chain."""
    folds, costed, new = folding.nodes, _costed, tuple.__new__
    per_node = []
    kernels = []
    lut = bram18 = uram = dsp = latency = macs = 0
    finish: list[int] = []  # per node: cycles along the longest path up to and through it
    slowest = None
    for index, node in enumerate(hw_nodes):
        fold = folds.get(node.name, _UNFOLDED)
        node_cost, kernel, node_macs = costed(node, fold)
        kernels.append(kernel)
        macs += node_macs
        per_node.append(new(NodeEstimate, (node, fold, node_cost)))
        lut += node_cost[1]
        bram18 += node_cost[2]
        uram += node_cost[3]
        dsp += node_cost[4]
        cycles = node_cost[0]
        if edges is None:
            latency += cycles
        else:
            reads = edges[index]
            if len(reads) == 1:
                finish.append(cycles + finish[reads[0]])
            else:
                finish.append(cycles + max((finish[j] for j in reads), default=0))
        if slowest is None or cycles > slowest.cost.cycles_per_frame:
            slowest = per_node[-1]
    if edges is None:
        edges = tuple(() if i == 0 else (i - 1,) for i in range(len(per_node)))
    else:
        latency = max(finish)
    fifos = stream_fifos(per_node, edges, part=board.part, has_uram=board.resources.uram > 0, kernels=kernels)
    for fifo in fifos:
        lut += fifo.lut
        bram18 += fifo.bram18
        uram += fifo.uram
    totals = {"lut": lut, "bram18": bram18, "uram": uram, "dsp": dsp}
    utilisation = utilisation_of(totals, board)
    return NetworkEstimate(
        arch_name=arch_name,
        board_name=board.name,
        clock_mhz=board.clock_mhz,
        nodes=tuple(per_node),
        cycles_per_frame=slowest.cost.cycles_per_frame,
        latency_cycles=latency,
        lut=lut,
        bram18=bram18,
        uram=uram,
        dsp=dsp,
        utilisation=utilisation,
        bottleneck=slowest.name,
        binding_resource=max(utilisation, key=utilisation.__getitem__),
        fits=fits(utilisation),
        roofline_fps=_roofline(macs, board),
        fifos=fifos,
    )


@lru_cache(maxsize=1 << 16)
def _costed(node: HwNode, fold) -> tuple[NodeCost, int | None, int]:
    """A node's cost at a fold (its type's evaluator), its kernel id for the FIFOs
    (``bursts.kernel_id``) and its binary MACs: pure in the two, so cached (a search meets the same
    layers at the same folds again and again)."""
    macs = node.mw * node.mh * node.vectors if type(node) is MVAU else 0
    return EVALUATORS[type(node)](node, fold), kernel_id(node, fold), macs


ON_FORGET.append(_costed.cache_clear)


def utilisation_of(totals: dict, board: Board) -> dict[str, float]:
    """Used / usable of each limited resource, from totals by resource name."""
    return {kind: _share(totals[kind], board.budget(kind)) for kind in LIMITED_KINDS}


def fits(utilisation: dict[str, float]) -> bool:
    return all(u <= 1.0 for u in utilisation.values())


def _share(used: float, usable: float) -> float:
    if usable > 0:
        return used / usable
    # a board without the resource (URAM on Zynq-7000): any use does not fit
    return 0.0 if used == 0 else float("inf")


def binary_macs_per_frame(hw_nodes: tuple[HwNode, ...]) -> int:
    return sum(n.mw * n.mh * n.vectors for n in hw_nodes if isinstance(n, MVAU))


def roofline_fps(hw_nodes: tuple[HwNode, ...], board: Board) -> float:
    """The fps no folding can beat: all usable LUTs spent on XNOR-popcount lanes, one MAC per lane per cycle."""
    return _roofline(binary_macs_per_frame(hw_nodes), board)


def _roofline(macs: int, board: Board) -> float:
    lanes = board.budget("lut") / mvau.lut_per_lane()
    return board.clock_mhz * 1e6 * lanes / macs
