"""Lowering: Brevitas model -> QONNX -> FINN's folded streaming dataflow graph, with FINN's estimates.

The steps are listed in ``hwnas.lower.steps.STEPS``. Node names in ``dataflow.onnx`` are FINN's
``GiveUniqueNodeNames`` names of the specialised layers, numbered per op type in graph order:
``ConvolutionInputGenerator_rtl_<i>`` (one per conv with kernel > 1 or stride > 1, and one in front
of every max pool), ``MVAU_hls_<i>`` (one per conv/linear layer, thresholds fused in), ``Pool_hls_<i>``,
``FMPadding_rtl_<i>`` (padded convs), ``LabelSelect_hls_0`` (the top-1 output).
"""

from hwnas.lower.execute import execute_dataflow
from hwnas.lower.folding import choose_folding
from hwnas.lower.pipeline import LowerResult, StepRecord, lower
from hwnas.lower.verify import Top1Comparison, compare_top1

__all__ = ["lower", "LowerResult", "StepRecord", "execute_dataflow", "choose_folding", "compare_top1", "Top1Comparison"]
