"""Lowering: Brevitas model -> QONNX -> FINN's folded streaming dataflow graph, with FINN's estimates."""

from hwnas.lower.execute import execute_dataflow
from hwnas.lower.folding import choose_folding
from hwnas.lower.pipeline import LowerResult, StepRecord, lower
from hwnas.lower.verify import Top1Comparison, compare_top1

__all__ = ["lower", "LowerResult", "StepRecord", "execute_dataflow", "choose_folding", "compare_top1", "Top1Comparison"]
