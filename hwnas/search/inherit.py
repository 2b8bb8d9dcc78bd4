"""Turn a supernet subnet into the Brevitas model of its spec, with inherited weights."""

from __future__ import annotations

from typing import Any

import numpy as np

from hwnas.arch.spec import Arch, Conv, MaxPool
from hwnas.search.cells import CellSpace
from hwnas.search.supernet import SuperNet


def subnet_model(supernet: SuperNet, point: dict[str, Any], calib_images: np.ndarray):
    """Return ``(model, arch)``: ``hwnas.model.build_model(arch)`` holding the subnet's weights and
    the BatchNorm statistics recalibrated on ``calib_images`` (raw pixels, supernet layout).

    The model then computes what the subnet computes, so it can be fine-tuned, exported and lowered.
    """
    import torch
    from torch import nn

    from hwnas.model import build_model

    arch: Arch = supernet.space.decode(point)
    calib = [torch.as_tensor(calib_images[i : i + 500], dtype=torch.float32) for i in range(0, len(calib_images), 500)]
    stats = supernet.calibrate(point, calib)
    model = build_model(arch)
    if isinstance(supernet.space.space, CellSpace):
        _inherit_graph(supernet, point, model, stats)
        return model.eval(), arch
    weighted = [m for m in model.modules() if hasattr(m, "weight") and not isinstance(m, nn.modules.batchnorm._BatchNorm)]
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    plan = [(key, layer) for key, layer in supernet.layer_plan(point) if not isinstance(layer, MaxPool)]
    assert len(weighted) == len(plan) and len(norms) == len(plan) - 1, "model and supernet disagree on layers"
    in_channels = arch.input.shape[0]
    with torch.no_grad():
        for index, ((key, layer), module) in enumerate(zip(plan, weighted)):
            shared = supernet.weights[key]
            target = module.weight
            if isinstance(layer, Conv):
                lo = (shared.shape[-1] - layer.kernel) // 2
                target.copy_(shared[: layer.out, :in_channels, lo : lo + layer.kernel, lo : lo + layer.kernel])
                in_channels = layer.out
            elif shared.dim() == 4:  # a linear layer reading a C x H x W map, flattened as torch does
                _, c, h, w = supernet_input_map(arch, index)
                target.copy_(shared[: layer.out, :c, :h, :w].reshape(layer.out, -1))
            else:
                target.copy_(shared[: layer.out, : target.shape[1]])
            if key in supernet.log_scale:
                dict(model.named_modules())[_logit_scale_name(model)].log_scale.copy_(supernet.log_scale[key])
            if index < len(norms):
                norm = norms[index]
                norm.weight.copy_(supernet.bn_weight[key][: layer.out])
                norm.bias.copy_(supernet.bn_bias[key][: layer.out])
                norm.running_mean.copy_(stats[key][0])
                norm.running_var.copy_(stats[key][1])
    model.eval()
    return model, arch


def _inherit_graph(supernet: SuperNet, point: dict[str, Any], model, stats: dict[str, tuple]) -> None:
    """Copy a cell subnet's sliced weights and BatchNorms into ``model`` (a GraphNet: one block per layer)."""
    import torch
    from torch import nn

    from hwnas.search.cell_supernet import sliced_weight

    with torch.no_grad():
        for step in supernet.cells.steps(point):
            block = model.blocks[step.shape.index]
            if step.key is None:
                continue
            if step.key in supernet.weights:
                (weighted,) = [m for m in block.modules() if type(m).__name__ in ("QuantConv2d", "QuantLinear")]
                weighted.weight.copy_(sliced_weight(supernet.weights, step).reshape(weighted.weight.shape))
            if step.key in supernet.log_scale:
                (scale,) = [m for m in block.modules() if type(m).__name__ == "LogitScale"]
                scale.log_scale.copy_(supernet.log_scale[step.key])
                continue
            (norm,) = [m for m in block.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
            channels = norm.num_features
            norm.weight.copy_(supernet.bn_weight[step.key][:channels])
            norm.bias.copy_(supernet.bn_bias[step.key][:channels])
            norm.running_mean.copy_(stats[step.key][0])
            norm.running_var.copy_(stats[step.key][1])


def supernet_input_map(arch: Arch, weighted_index: int) -> tuple[int, int, int, int]:
    """(1, C, H, W) of the map entering the ``weighted_index``-th conv/linear layer."""
    shapes = [s for s in arch.shapes() if not isinstance(s.layer, MaxPool)]
    return (1, *shapes[weighted_index].in_shape)


def _logit_scale_name(model) -> str:
    (name,) = [n for n, m in model.named_modules() if type(m).__name__ == "LogitScale"]
    return name
