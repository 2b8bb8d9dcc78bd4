"""FINN's own estimates of a folded dataflow graph: cycles and resources per node, and their totals."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from hwnas.board import Board

RESOURCE_KEYS = ("LUT", "BRAM_18K", "URAM", "DSP")


@dataclass(frozen=True)
class NodeEstimate:
    name: str
    op_type: str
    cycles: int
    lut: float
    bram18: float
    uram: float
    dsp: float


@dataclass(frozen=True)
class FinnEstimates:
    nodes: tuple[NodeEstimate, ...]
    clock_mhz: float
    fpga_part: str

    @property
    def bottleneck(self) -> NodeEstimate:
        return max(self.nodes, key=lambda n: n.cycles)

    @property
    def cycles_per_frame(self) -> int:
        return self.bottleneck.cycles

    @property
    def fps(self) -> float:
        return self.clock_mhz * 1e6 / self.cycles_per_frame

    def total(self, kind: str) -> float:
        return sum(getattr(n, kind) for n in self.nodes)

    def to_dict(self) -> dict:
        return {
            "fpga_part": self.fpga_part,
            "clock_mhz": self.clock_mhz,
            "nodes": [asdict(n) for n in self.nodes],
            "total": {kind: self.total(kind) for kind in ("lut", "bram18", "uram", "dsp")},
            "bottleneck": {"name": self.bottleneck.name, "cycles_per_frame": self.cycles_per_frame},
            "fps": self.fps,
        }


def finn_estimates(model, board: Board) -> FinnEstimates:
    """Run FINN's ``exp_cycles_per_layer`` and ``res_estimation`` analyses on a folded graph."""
    from finn.analysis.fpgadataflow.exp_cycles_per_layer import exp_cycles_per_layer
    from finn.analysis.fpgadataflow.res_estimation import res_estimation

    cycles = model.analysis(exp_cycles_per_layer)
    resources = model.analysis(lambda m: res_estimation(m, board.part))
    nodes = []
    for node in model.graph.node:
        res = resources[node.name]
        nodes.append(
            NodeEstimate(
                name=node.name, op_type=node.op_type, cycles=int(cycles[node.name]),
                lut=float(res.get("LUT", 0)), bram18=float(res.get("BRAM_18K", 0)),
                uram=float(res.get("URAM", 0)), dsp=float(res.get("DSP", 0)),
            )
        )
    return FinnEstimates(tuple(nodes), board.clock_mhz, board.part)
