"""Compare the top-1 class of the Brevitas model with FINN's execution of the lowered graph."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Top1Comparison:
    model_classes: np.ndarray
    finn_classes: np.ndarray
    tied: np.ndarray  # True where the model's top logit is shared by several classes

    @property
    def mismatches(self) -> int:
        return int(np.count_nonzero(self.model_classes != self.finn_classes))


def compare_top1(model, dataflow: Path | str, inputs: np.ndarray) -> Top1Comparison:
    """Top-1 of the Brevitas ``model`` and of FINN's Python execution of ``dataflow`` on model inputs.

    Ties: the last layer's integer sums tie often in small binary networks. Both sides break them
    the same documented way, so ties are compared too, not skipped: ``torch.argmax`` returns the
    first maximal index, and FINN's Python LabelSelect runs ONNX TopK, which orders equal values by
    lower index. The positive logit scale multiplies equal sums by the same float, so sums that tie
    in FINN tie exactly in the model's logits as well.
    """
    import torch

    from hwnas.lower.execute import execute_dataflow

    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(np.ascontiguousarray(inputs, dtype=np.float32))).numpy()
    tied = np.count_nonzero(logits == logits.max(axis=1, keepdims=True), axis=1) > 1
    return Top1Comparison(logits.argmax(axis=1), execute_dataflow(dataflow, inputs), tied)
