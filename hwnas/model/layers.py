"""The torch/Brevitas building blocks of hwnas models (importing this module imports torch)."""

from __future__ import annotations

import math

import torch
from brevitas.nn import QuantIdentity
from brevitas.quant import SignedBinaryActPerTensorConst, SignedBinaryWeightPerTensorConst
from torch import nn


class BipolarWeight(SignedBinaryWeightPerTensorConst):
    """Weights -1/+1 with scale 1, so every accumulator is an integer (as in FINN's bnn_pynq models)."""

    scaling_const = 1.0


def binary_sign() -> QuantIdentity:
    """sign(x) with sign(0) = +1, the >= comparison FINN's thresholds make."""
    return QuantIdentity(act_quant=SignedBinaryActPerTensorConst, return_quant_tensor=False)


class LogitScale(nn.Module):
    """Multiply by exp(log_scale): a learnable softmax temperature that is always positive, so the
    argmax is that of the integer sums and FINN can absorb it into its LabelSelect."""

    def __init__(self, fan_in: int):
        super().__init__()
        self.log_scale = nn.Parameter(torch.tensor(-0.5 * math.log(fan_in)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.exp(self.log_scale)
