"""Layer kinds: one module per kind of layer, looked up by its spec name.

A kind module holds everything about its layers: the spec dataclass with its parameters and shape
inference, the Brevitas module, and the hardware nodes it lowers to (their types, one module each,
in ``hwnas.hw``). The stages look a kind up in :data:`KINDS` by the layer's class instead of
chaining ``isinstance`` tests. See ``docs/layer-kinds.md`` for how to add one.
"""

from __future__ import annotations

import importlib

# The registry: one module per kind, each defining the layer class its name ends in (in the order
# error messages list them). Adding a kind is adding its module and its name here.
KIND_MODULES = ("conv", "maxpool", "linear", "add", "concat")

# spec name -> layer class
KINDS: dict[str, type] = {}
for _module in KIND_MODULES:
    _kind = importlib.import_module(f"hwnas.kinds.{_module}").KIND_CLASS
    KINDS[_kind.KIND] = _kind


def finn_transformations(stage: str) -> list:
    """Instances of the FINN transformations the kinds need at ``stage``: ``"moves"`` (streamlining
    moves for their joins) or ``"to_hw"`` (conversions of their nodes to hardware layers)."""
    return [make() for kind in KINDS.values() for make in getattr(kind, "FINN_" + stage.upper(), ())]


def kind_name(layer: object) -> str:
    return type(layer).KIND


def prepare_for_streamlining(model):
    """Run the kinds' own rewrites of the exported graph (``PREPARE_LOWERING``) before streamlining."""
    for kind in KINDS.values():
        for prepare in getattr(kind, "PREPARE_LOWERING", ()):
            model = prepare(model)
    return model
