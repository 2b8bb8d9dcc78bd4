"""A folding for a whole network, and FINN's folding_config.json format for it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hwnas.cost.fold import UNFOLDED, NodeFold
from hwnas.cost.node_cost import legal
from hwnas.cost.nodes import (
    MVAU, DuplicateStreams, ElementwiseAdd, HwNode, LabelSelect, Padding, Pool, SlidingWindow, Thresholding,
)
from hwnas.errors import UserError
from hwnas.userfiles import read_json


@dataclass(frozen=True)
class Folding:
    """PE/SIMD per FINN node name; nodes not named run fully folded (PE = SIMD = 1)."""

    nodes: Mapping[str, NodeFold] = field(default_factory=dict)

    def of(self, name: str) -> NodeFold:
        return self.nodes.get(name, UNFOLDED)

    def to_finn_config(self, hw_nodes: tuple[HwNode, ...]) -> dict:
        """FINN's ApplyConfig format: one entry per node name with the attributes it sets."""
        config: dict = {"Defaults": {}}
        for node in hw_nodes:
            fold = self.of(node.name)
            if isinstance(node, MVAU):
                config[node.name] = {"PE": fold.pe, "SIMD": fold.simd}
            elif isinstance(node, SlidingWindow):
                config[node.name] = {"SIMD": fold.simd, "parallel_window": int(fold.parallel_window)}
            elif isinstance(node, Padding):
                config[node.name] = {"SIMD": fold.simd}
            elif isinstance(node, (Pool, LabelSelect, DuplicateStreams, ElementwiseAdd, Thresholding)):
                config[node.name] = {"PE": fold.pe}
            else:
                config[node.name] = node.finn_config(fold)
        return config

    @classmethod
    def from_finn_config(cls, config: Mapping, hw_nodes: tuple[HwNode, ...], *, source: str = "folding") -> Folding:
        by_name = {node.name: node for node in hw_nodes}
        unknown = sorted(set(config) - set(by_name) - {"Defaults"})
        if unknown:
            raise UserError(
                f"{source}: no node named {', '.join(unknown)} in this architecture's dataflow graph; "
                f"its nodes are {', '.join(by_name)}"
            )
        nodes = {}
        for name, attrs in config.items():
            if name == "Defaults":
                continue
            fold = NodeFold(
                pe=int(attrs.get("PE", 1)),
                simd=int(attrs.get("SIMD", 1)),
                parallel_window=bool(attrs.get("parallel_window", 0)),
            )
            if not legal(by_name[name], fold):
                raise UserError(f"{source}: {name}: PE={fold.pe}, SIMD={fold.simd} is not a legal folding for {by_name[name]}")
            nodes[name] = fold
        return cls(nodes)


def write_finn_config(folding: Folding, hw_nodes: tuple[HwNode, ...], path: str | Path) -> Path:
    path = Path(path)
    path.write_text(json.dumps(folding.to_finn_config(hw_nodes), indent=2) + "\n")
    return path


def read_finn_config(path: str | Path, hw_nodes: tuple[HwNode, ...]) -> Folding:
    path = Path(path)
    config = read_json(path, what="folding config")
    if not isinstance(config, dict):
        raise UserError(f"{path}: expected a JSON object of node name -> attributes")
    return Folding.from_finn_config(config, hw_nodes, source=str(path))
