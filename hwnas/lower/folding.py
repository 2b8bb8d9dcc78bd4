"""Folding: how many processing elements (PE) and SIMD lanes each hardware layer gets.

``choose_folding`` is the one place that decides it: it reads a FINN ``folding_config`` JSON, or asks
hwnas's resource-aware optimiser (``hwnas.cost``) for the cheapest folding that reaches a target fps.
"""

from __future__ import annotations

from pathlib import Path

from hwnas.arch.spec import Arch
from hwnas.board import Board
from hwnas.cost.folding import Folding
from hwnas.errors import UserError

# Node attributes a folding_config.json written by the lowering lists (the folding and FINN's memory
# placement; hwnas.cost.folding.Folding.from_finn_config validates a file of them)
FOLDING_ATTRS = (
    "PE", "SIMD", "parallel_window", "ram_style", "ram_style_thresholds", "mem_mode", "resType",
    "runtime_writeable_weights", "depth_trigger_uram", "depth_trigger_bram",
)


def choose_folding(model, board: Board, *, arch: Arch, folding: Path | Folding | None = None, fps: float | None = None):
    """Set PE/SIMD on every hardware layer of ``model`` (the graph of ``arch``) from a folding
    (an object, e.g. the search's, or a file) or for a target fps.

    A file goes through the same validator as ``hwnas estimate`` (``Folding.from_finn_config``); for a
    target fps, hwnas's cost-model optimiser picks the cheapest legal folding that reaches it and fits
    the board, and raises a UserError naming the reachable fps and the binding resource when there is
    none. Either way the graph gets the folding as one object, every node named.
    """
    from hwnas.cost import hardware_nodes, plan_folding, read_finn_config

    if (folding is None) == (fps is None):
        raise UserError("give exactly one of a folding file or a target fps")
    hw_nodes = hardware_nodes(arch)
    if fps is not None:
        if not fps > 0:
            raise UserError(f"--fps must be positive, got {fps}")
        folding = plan_folding(arch, board, fps=fps).folding
    elif not isinstance(folding, Folding):
        folding = read_finn_config(folding, hw_nodes)
    return apply_folding(model, folding, hw_nodes)


def apply_folding(model, folding: Folding, hw_nodes):
    """Apply ``folding`` (nodes it does not name fully folded) to the graph whose nodes the cost model
    names ``hw_nodes``."""
    from finn.transformation.general import ApplyConfig

    names = sorted(n.name for n in model.graph.node)  # FINN's passes may re-sort a branching graph
    if names != sorted(node.name for node in hw_nodes):
        # a bug, not a user error: the cost model and the lowering name the same nodes (tested)
        raise RuntimeError(f"the lowered graph's nodes {names} are not the cost model's {[n.name for n in hw_nodes]}")
    return model.transform(ApplyConfig(folding.to_finn_config(hw_nodes)))


def folding_config(model) -> dict:
    """The model's folding in FINN's folding_config format (what ``--folding`` reads back)."""
    from qonnx.custom_op.registry import getCustomOp

    config: dict = {"Defaults": {}}
    for node in model.graph.node:
        inst = getCustomOp(node)
        values = {a: inst.get_nodeattr(a) for a in FOLDING_ATTRS if _has_attr(inst, a)}
        if "PE" in values or "SIMD" in values:
            config[node.name] = values
    return config


def _has_attr(inst, attr: str) -> bool:
    return attr in inst.get_nodeattr_types()
