"""Build the Brevitas ``nn.Module`` of an :class:`~hwnas.arch.spec.Arch`.

The model computes exactly what the FINN hardware computes:

* its input is what the hardware reads (integer pixels 0..255 for ``bits: 8``, -1/+1 for ``bits: 1``);
  there is no quantiser on the input, the lowering annotates the input's data type instead, so FINN
  sees UINT8 or BIPOLAR pixels and puts no thresholding layer in front of the first MVAU;
* weights are binary (-1/+1, constant scale 1), so every accumulator is an integer;
* every hidden conv/linear layer is followed by BatchNorm and a binary sign (x >= 0 -> +1), which
  FINN streamlines into one integer threshold per channel;
* the last linear layer's integer sums, times one learnable positive scalar (a softmax temperature
  for training), are the logits. A positive scalar keeps the order of the logits, so FINN absorbs
  it into its LabelSelect (TopK) and the hardware returns the same class.
"""

from __future__ import annotations

import math

from hwnas.arch.spec import Arch, Conv, Linear, MaxPool


def build_model(arch: Arch):
    """A freshly initialised ``torch.nn.Module`` for ``arch`` mapping model inputs to logits (N, classes)."""
    from brevitas.nn import QuantConv2d, QuantLinear
    from torch import nn

    from hwnas.model.layers import BipolarWeight, LogitScale, binary_sign

    arch.require_chain("the Brevitas model")
    shapes = arch.shapes()
    modules: list = []
    for shape in shapes:
        layer = shape.layer
        if isinstance(layer, Conv):
            modules += [
                QuantConv2d(
                    shape.in_shape[0], layer.out, layer.kernel, stride=layer.stride, padding=layer.padding,
                    bias=False, weight_quant=BipolarWeight,
                ),
                nn.BatchNorm2d(layer.out),
                binary_sign(),
            ]
        elif isinstance(layer, MaxPool):
            modules.append(nn.MaxPool2d(layer.kernel, stride=layer.effective_stride))
        elif isinstance(layer, Linear):
            if len(shape.in_shape) != 1:
                modules.append(nn.Flatten())
            fan_in = math.prod(shape.in_shape)
            modules.append(QuantLinear(fan_in, layer.out, bias=False, weight_quant=BipolarWeight))
            if shape.index == len(shapes) - 1:
                modules.append(LogitScale(fan_in))
            else:
                modules += [nn.BatchNorm1d(layer.out), binary_sign()]
        else:
            raise TypeError(f"unknown layer {layer!r}")
    return nn.Sequential(*modules)
