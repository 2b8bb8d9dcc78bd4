"""The hardware node types FINN's lowering produces, one module per type, the bottom layer of the
package: each type is a ``NamedTuple`` carrying its own rules as methods, ``legal(fold)``,
``cost(fold)`` (cycles, LUT, BRAM18 as FINN estimates them), ``table()`` (every legal folding, for the
optimiser), ``candidate_folds()``, ``finn_config(fold)`` (FINN's folding_config attributes),
``divided_dimensions()`` and ``describe()``. The layer kinds (``hwnas.kinds``) build them; the cost
model (``hwnas.cost``) strings them into a graph and prices it.

Nodes are typed NamedTuples rather than frozen dataclasses: as immutable, but built three times
faster, and the search builds twenty of them per architecture it judges.
"""

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

__all__ = [
    "DuplicateStreams",
    "ElementwiseAdd",
    "HwNode",
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
]
