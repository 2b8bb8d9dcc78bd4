"""The torch/Brevitas building blocks of hwnas models (importing this module imports torch)."""

from __future__ import annotations

import math
import warnings

import torch

# Brevitas warns on import that the optional fast_hadamard_transform package (a CUDA kernel for
# rotation-based quantisation, which hwnas does not use) is missing; users cannot act on it.
warnings.filterwarnings("ignore", message="fast_hadamard_transform package not found")
from brevitas.nn import QuantIdentity  # noqa: E402
from brevitas.core.function_wrapper import TensorClamp  # noqa: E402
from brevitas.quant import SignedBinaryActPerTensorConst, SignedBinaryWeightPerTensorConst  # noqa: E402
from brevitas.quant.base import IntQuant, PerTensorConstScaling2bit  # noqa: E402
from brevitas.quant.solver import ActQuantSolver  # noqa: E402
from torch import nn  # noqa: E402


class BipolarWeight(SignedBinaryWeightPerTensorConst):
    """Weights -1/+1 with scale 1, so every accumulator is an integer (as in FINN's bnn_pynq models)."""

    scaling_const = 1.0


def binary_sign() -> QuantIdentity:
    """sign(x) with sign(0) = +1, the >= comparison FINN's thresholds make."""
    return QuantIdentity(act_quant=SignedBinaryActPerTensorConst, return_quant_tensor=False)


class GridAct(IntQuant, PerTensorConstScaling2bit, ActQuantSolver):
    """Signed integers of ``bit_width`` bits with scale 1 (a constant), rounded and clipped: the grid
    an add sums on. Scale 1 keeps -1/+1 exact, so binary inputs share the grid."""

    tensor_clamp_impl = TensorClamp


def grid_quant(bits: int) -> QuantIdentity:
    half = 2.0 ** (bits - 1)
    quant = GridAct.let(bit_width=bits, scaling_const=half, min_val=-half, max_val=half)
    return QuantIdentity(act_quant=quant, return_quant_tensor=False)


def hidden_output(norm: nn.Module, bits: int) -> list[nn.Module]:
    """What follows a hidden conv/linear: BatchNorm, then the sign, or nothing for ``bits`` > 1 (the
    add it feeds quantises the BatchNorm output onto its grid)."""
    return [norm, binary_sign()] if bits == 1 else [norm]


class GridAdd(nn.Module):
    """An add: every input through one shared grid quantiser (one per add, as Brevitas's bnn_pynq
    ResNet's ``shared_quant_act``, which FINN's residual streamlining needs), summed, then BatchNorm
    and sign."""

    def __init__(self, shape: tuple[int, ...], bits: int):
        super().__init__()
        self.quant = grid_quant(bits)
        self.norm = nn.BatchNorm2d(shape[0]) if len(shape) == 3 else nn.BatchNorm1d(shape[0])
        self.sign = binary_sign()

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        total = self.quant(inputs[0])
        for value in inputs[1:]:
            total = total + self.quant(value)
        return self.sign(self.norm(total))


class GraphNet(nn.Module):
    """The network as a graph: ``blocks[i]`` reads the outputs of the blocks ``sources[i]`` lists
    (-1: the network input); the last block gives the logits."""

    def __init__(self, blocks: list[nn.Module], sources: list[tuple[int, ...]]):
        super().__init__()
        self.blocks = nn.ModuleList(blocks)
        self.sources = [tuple(s) for s in sources]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        values = {-1: x}
        for index, (block, sources) in enumerate(zip(self.blocks, self.sources)):
            values[index] = block(*(values[s] for s in sources))
        return values[len(self.blocks) - 1]


class LogitScale(nn.Module):
    """Multiply by exp(log_scale): a learnable softmax temperature that is always positive, so the
    argmax is that of the integer sums and FINN can absorb it into its LabelSelect."""

    def __init__(self, fan_in: int):
        super().__init__()
        self.log_scale = nn.Parameter(torch.tensor(-0.5 * math.log(fan_in)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.exp(self.log_scale)
