"""Lowering: Brevitas model -> QONNX -> FINN's folded streaming dataflow graph, with FINN's estimates."""

from hwnas.lower.execute import execute_dataflow
from hwnas.lower.folding import choose_folding
from hwnas.lower.pipeline import LowerResult, StepRecord, lower

__all__ = ["lower", "LowerResult", "StepRecord", "execute_dataflow", "choose_folding"]
