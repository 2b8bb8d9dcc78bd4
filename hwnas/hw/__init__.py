"""The hardware node types FINN's lowering produces, one module per type, the bottom layer of the
package: each type is a ``NamedTuple`` carrying its own rules as methods, ``legal(fold)``,
``cost(fold)`` (cycles, LUT, BRAM18 as FINN estimates them), ``table()`` (every legal folding, for the
optimiser), ``candidate_folds()``, ``finn_config(fold)`` (FINN's folding_config attributes),
``divided_dimensions()`` and ``describe()``. The layer kinds (``hwnas.kinds``) build them; the cost
model (``hwnas.cost``) strings them into a graph and prices it.

Each type's module also holds what the rest of the package needs of the kernel the generated design
runs for it: ``KIND`` (the kernel's name in code generation and the schedules), the node's
``schedule_layer(fold)`` (the schedule parameters and elements per word the FIFO model's burst depths
use, ``hwnas.cost.bursts``) and ``schedule(layer)`` (its token schedule, ``hwnas.schedules``).
``KERNEL_MODULES`` lists the modules; ``kernel_module(kind)`` finds one by its ``KIND``, and code
generation finds each type's reader and kernel call in ``hwnas.codegen.kinds.<module>``. A new node
type is one module here (and its codegen module and kernel header), plus its name in
``KERNEL_MODULES``.

Nodes are typed NamedTuples rather than frozen dataclasses: as immutable, but built three times
faster, and the search builds twenty of them per architecture it judges.
"""

import importlib
from functools import lru_cache
from types import ModuleType

from hwnas.hw.concat import StreamingConcat
from hwnas.hw.duplicate import DuplicateStreams
from hwnas.hw.elementwise_add import ElementwiseAdd
from hwnas.hw.fold import UNFOLDED, NodeFold, divisors
from hwnas.hw.labelselect import LabelSelect
from hwnas.hw.mvau import MVAU
from hwnas.hw.padding import Padding
from hwnas.hw.pool import Pool
from hwnas.hw.swg import SlidingWindow
from hwnas.hw.table import NodeCost, Table
from hwnas.hw.thresholding import Thresholding

HwNode = (
    MVAU | SlidingWindow | Padding | Pool | LabelSelect | DuplicateStreams | ElementwiseAdd | Thresholding
    | StreamingConcat
)

# the registry: every node type's module (dwc: the width converter, which the cost model prices not)
KERNEL_MODULES = ("mvau", "thresholding", "swg", "padding", "pool", "labelselect", "dwc", "duplicate", "elementwise_add", "concat")


@lru_cache(maxsize=None)
def kernel_modules() -> dict[str, ModuleType]:
    """Each node type's module by its ``KIND``, in ``KERNEL_MODULES``' order."""
    return {module.KIND: module for module in (importlib.import_module(f"hwnas.hw.{name}") for name in KERNEL_MODULES)}


def kernel_module(kind: str) -> ModuleType:
    return kernel_modules()[kind]


@lru_cache(maxsize=None)
def node_classes() -> tuple[type, ...]:
    """The cost model's node types: each module's ``NODE`` (the width converter has none)."""
    return tuple(module.NODE for module in kernel_modules().values() if module.NODE is not None)


__all__ = [
    "DuplicateStreams",
    "ElementwiseAdd",
    "HwNode",
    "KERNEL_MODULES",
    "LabelSelect",
    "MVAU",
    "NodeCost",
    "NodeFold",
    "Padding",
    "Pool",
    "SlidingWindow",
    "StreamingConcat",
    "Table",
    "Thresholding",
    "UNFOLDED",
    "divisors",
    "kernel_module",
    "kernel_modules",
    "node_classes",
]
