"""Folding: how many processing elements (PE) and SIMD lanes each hardware layer gets.

``choose_folding`` is the one place that decides it: it reads a FINN ``folding_config`` JSON, or asks
hwnas's resource-aware optimiser (``hwnas.cost``) for the cheapest folding that reaches a target fps.
"""

from __future__ import annotations

from pathlib import Path

from hwnas.arch.spec import Arch
from hwnas.board import Board
from hwnas.errors import UserError
from hwnas.userfiles import read_json

# Node attributes a folding file may set; those listed in FOLDING_DIVISORS must divide a dimension.
FOLDING_ATTRS = (
    "PE", "SIMD", "parallel_window", "ram_style", "ram_style_thresholds", "mem_mode", "resType",
    "runtime_writeable_weights", "depth_trigger_uram", "depth_trigger_bram",
)
FOLDING_DIVISORS = {  # op type prefix -> {folding attribute: the attribute it must divide}
    "MVAU": {"PE": "MH", "SIMD": "MW"},
    "ConvolutionInputGenerator": {"SIMD": "IFMChannels"},
    "Pool": {"PE": "Channels"},
    "Thresholding": {"PE": "NumChannels"},
    "LabelSelect": {"PE": "Labels"},
    "FMPadding": {"SIMD": "NumChannels"},
    "DuplicateStreams": {"PE": "NumChannels"},
}


def choose_folding(model, board: Board, *, arch: Arch | None = None, folding: Path | None = None, fps: float | None = None):
    """Set PE/SIMD on every hardware layer of ``model`` from a folding file or for a target fps.

    For a target fps, hwnas's cost-model optimiser (``hwnas.cost``) picks the cheapest legal folding
    that reaches it and fits the board, from ``arch``; it raises a UserError naming the reachable fps
    and the binding resource when there is none.
    """
    if (folding is None) == (fps is None):
        raise UserError("give exactly one of a folding file or a target fps")
    if folding is not None:
        return apply_folding_file(model, folding)
    if not fps > 0:
        raise UserError(f"--fps must be positive, got {fps}")
    if arch is None:
        raise TypeError("choose_folding needs the architecture to choose a folding for a target fps")
    from hwnas.cost import finn_folding_config

    config = finn_folding_config(arch, board, fps=fps)
    return apply_folding_config(model, config, source=f"hwnas's folding for {fps:,.0f} fps")


def load_folding_file(path: Path) -> dict:
    path = Path(path)
    config = read_json(path, what="folding file")
    if not isinstance(config, dict) or not all(isinstance(v, dict) for v in config.values()):
        raise UserError(f"folding file {path}: expected FINN's folding_config format, {{node name: {{attribute: value}}}}")
    return config


def apply_folding_file(model, path: Path):
    """Check that the file names exactly the graph's foldable nodes and that every factor fits, then apply it."""
    return apply_folding_config(model, load_folding_file(path), source=f"folding file {path}")


def apply_folding_config(model, config: dict, *, source: str):
    """Check that ``config`` names exactly the graph's foldable nodes and that every factor fits, then apply it."""
    from finn.transformation.general import ApplyConfig
    from qonnx.custom_op.registry import getCustomOp

    nodes = {n.name: n for n in model.graph.node}
    foldable = {name for name, n in nodes.items() if any(_has_attr(getCustomOp(n), a) for a in ("PE", "SIMD"))}
    listed = set(config) - {"Defaults"}
    unknown = sorted(listed - set(nodes))
    if unknown:
        raise UserError(
            f"{source} does not match the graph: no node named {', '.join(unknown)}; "
            f"the graph's foldable nodes are {', '.join(sorted(foldable, key=_node_order(model)))}"
        )
    missing = sorted(foldable - listed, key=_node_order(model))
    if missing:
        raise UserError(f"{source} does not match the graph: it does not fold {', '.join(missing)}")
    for name in sorted(listed, key=_node_order(model)):
        inst = getCustomOp(nodes[name])
        for attr, value in config[name].items():
            if attr not in FOLDING_ATTRS or not _has_attr(inst, attr):
                raise UserError(f"{source}: node {name} has no folding attribute {attr!r}")
            dimension = _divisor_dimension(nodes[name].op_type, attr)
            if dimension is not None:
                size = inst.get_nodeattr(dimension)
                if not isinstance(value, int) or value < 1 or size % value:
                    raise UserError(
                        f"{source}: {name}.{attr} = {value!r} must be a positive divisor of {dimension} = {size}"
                    )
    return model.transform(ApplyConfig(config))


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


def _divisor_dimension(op_type: str, attr: str) -> str | None:
    for prefix, divisors in FOLDING_DIVISORS.items():
        if op_type.startswith(prefix):
            return divisors.get(attr)
    return None


def _node_order(model):
    order = {n.name: i for i, n in enumerate(model.graph.node)}
    return lambda name: order.get(name, len(order))
