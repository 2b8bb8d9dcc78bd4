"""A folding for a whole network, and FINN's folding_config.json format for it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hwnas.cost.node_cost import legal
from hwnas.errors import UserError
from hwnas.hw import UNFOLDED, HwNode, NodeFold
from hwnas.userfiles import read_json


@dataclass(frozen=True)
class Folding:
    """PE/SIMD per FINN node name; nodes not named run fully folded (PE = SIMD = 1)."""

    nodes: Mapping[str, NodeFold] = field(default_factory=dict)
    memory: Mapping[str, Mapping] = field(default_factory=dict)  # FINN memory attributes per node, passed through

    def of(self, name: str) -> NodeFold:
        return self.nodes.get(name, UNFOLDED)

    def to_finn_config(self, hw_nodes: tuple[HwNode, ...]) -> dict:
        """FINN's ApplyConfig format: one entry per node name with the attributes it sets."""
        config: dict = {"Defaults": {}}
        for node in hw_nodes:
            config[node.name] = node.finn_config(self.of(node.name))
            config[node.name].update(self.memory.get(node.name, {}))
        return config

    @classmethod
    def from_finn_config(cls, config: Mapping, hw_nodes: tuple[HwNode, ...], *, source: str = "folding") -> Folding:
        """The one folding validator: ``hwnas estimate``, ``lower`` and ``build`` all read a folding
        file through it. Nodes it does not name run fully folded (PE = SIMD = 1); every factor must
        divide its dimension and pass the node's own rules (the MVAU's weight-width cap, a window's
        parallel mode); FINN's memory attributes pass through to the lowering untouched."""
        if not isinstance(config, Mapping) or not all(isinstance(v, Mapping) for v in config.values()):
            raise UserError(f"{source}: expected FINN's folding_config format, {{node name: {{attribute: value}}}}")
        by_name = {node.name: node for node in hw_nodes}
        unknown = sorted(set(config) - set(by_name) - {"Defaults"})
        if unknown:
            raise UserError(
                f"{source} does not match the graph: no node named {', '.join(unknown)}; "
                f"its nodes are {', '.join(by_name)}"
            )
        nodes, memory = {}, {}
        for node in hw_nodes:
            if node.name not in config:
                continue
            attrs = config[node.name]
            fold_attrs = set(Folding().to_finn_config((node,))[node.name])
            for attr, value in attrs.items():
                if attr not in fold_attrs and attr not in MEMORY_ATTRS:
                    raise UserError(f"{source}: node {node.name} has no folding attribute {attr!r}")
                if attr == "parallel_window" and value not in (0, 1):
                    raise UserError(f"{source}: {node.name}.parallel_window = {value!r} must be 0 or 1")
            for attr, (dimension, size) in node.divided_dimensions().items():
                value = attrs.get(attr, 1)
                if not isinstance(value, int) or isinstance(value, bool) or value < 1 or size % value:
                    raise UserError(f"{source}: {node.name}.{attr} = {value!r} must be a positive divisor of {dimension} = {size}")
            fold = NodeFold(
                pe=int(attrs.get("PE", 1)),
                simd=int(attrs.get("SIMD", 1)),
                parallel_window=bool(attrs.get("parallel_window", 0)),
            )
            if not legal(node, fold):
                raise UserError(f"{source}: {node.name}: PE={fold.pe}, SIMD={fold.simd} is not a legal folding for {node}")
            nodes[node.name] = fold
            extra = {a: v for a, v in attrs.items() if a in MEMORY_ATTRS}
            if extra:
                memory[node.name] = extra
        return cls(nodes, memory)


# FINN node attributes a folding file may set besides the folding itself: memory placement, which
# the cost model does not model (it charges FINN's defaults) and the lowering applies as given
MEMORY_ATTRS = (
    "ram_style", "ram_style_thresholds", "mem_mode", "resType", "runtime_writeable_weights",
    "depth_trigger_uram", "depth_trigger_bram",
)


def write_finn_config(folding: Folding, hw_nodes: tuple[HwNode, ...], path: str | Path) -> Path:
    path = Path(path)
    path.write_text(json.dumps(folding.to_finn_config(hw_nodes), indent=2) + "\n")
    return path


def read_finn_config(path: str | Path, hw_nodes: tuple[HwNode, ...]) -> Folding:
    path = Path(path)
    config = read_json(path, what="folding file")
    return Folding.from_finn_config(config, hw_nodes, source=f"folding file {path}")
