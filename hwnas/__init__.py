"""hwnas: hardware co-design of binary neural networks for FPGA boards.

The pipeline reads top to bottom in the subpackages:
``arch`` (specs) -> ``cost`` (estimates, folding) -> ``search`` -> ``train`` -> ``lower``
(Brevitas -> QONNX -> FINN dataflow graph) -> ``codegen`` (HLS project) -> ``report``.
"""

from hwnas.errors import UserError

__version__ = "0.1.0"
__all__ = ["UserError", "__version__"]
