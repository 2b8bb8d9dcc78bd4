"""Analytical cost model of FINN's dataflow graph for a spec, and a resource-aware folding optimiser.

Pure Python on this path: no torch, ONNX or FINN import (FINN's fitted StreamingFIFO formulas are
written out in ``hwnas.cost.fifos``), so the search can judge thousands of architectures per second.
"""

from hwnas.cost.folding import Folding, read_finn_config, write_finn_config
from hwnas.cost.network import NetworkEstimate, NodeEstimate, estimate
from hwnas.cost.nodes import hardware_nodes
from hwnas.cost.optimise import (
    FoldingPlan,
    cheapest_folding,
    finn_folding_config,
    optimise_folding,
    plan_folding,
    reachable_fps,
)
from hwnas.hw import NodeFold

__all__ = [
    "Folding",
    "cheapest_folding",
    "FoldingPlan",
    "NetworkEstimate",
    "NodeEstimate",
    "NodeFold",
    "estimate",
    "finn_folding_config",
    "hardware_nodes",
    "optimise_folding",
    "plan_folding",
    "reachable_fps",
    "read_finn_config",
    "write_finn_config",
]
