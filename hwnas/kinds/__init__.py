"""Layer kinds: one module per kind of layer, looked up by its spec name.

A kind module holds everything about its layers: the spec dataclass with its parameters and shape
inference, the Brevitas module, and (as the stages learn the kind) its hardware nodes. The stages
look a kind up in :data:`KINDS` by the layer's class instead of chaining ``isinstance`` tests.
See ``docs/layer-kinds.md`` for how to add one.
"""

from __future__ import annotations

from hwnas.kinds.add import Add
from hwnas.kinds.conv import Conv
from hwnas.kinds.linear import Linear
from hwnas.kinds.maxpool import MaxPool

# spec name -> layer class; the spec's order is the order error messages list kinds in
KINDS: dict[str, type] = {"conv": Conv, "maxpool": MaxPool, "linear": Linear, "add": Add}


def kind_name(layer: object) -> str:
    return type(layer).KIND
