"""The usual BNN recipe: Adam, a cosine learning-rate schedule, latent binary weights kept in [-1, 1].

The latent (real-valued) weights behind the binary ones get no weight decay: decay would only pull
them towards zero, where their sign flips on noise. BatchNorm and the logit scale may take some.
"""

from __future__ import annotations

import math


def binary_weights(model) -> list:
    """The latent weights of the binary convolutions and linear layers."""
    from brevitas.nn import QuantConv2d, QuantLinear

    return [m.weight for m in model.modules() if isinstance(m, (QuantConv2d, QuantLinear))]


def make_optimizer(model, *, lr: float, weight_decay: float, total_steps: int, warmup_steps: int = 0):
    """Adam with two parameter groups; per step, a linear rise over ``warmup_steps`` then a cosine
    decay from ``lr`` to zero."""
    import torch

    latent = binary_weights(model)
    latent_ids = {id(p) for p in latent}
    others = [p for p in model.parameters() if id(p) not in latent_ids]
    optimizer = torch.optim.Adam(
        [{"params": latent, "weight_decay": 0.0}, {"params": others, "weight_decay": weight_decay}], lr=lr
    )
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: warmup_cosine_factor(step, total_steps, warmup_steps))
    return optimizer, schedule


def cosine_factor(step: int, total_steps: int) -> float:
    """Half a cosine from 1 at step 0 to 0 at ``total_steps``."""
    return 0.5 * (1.0 + math.cos(math.pi * min(step, total_steps) / total_steps))


def warmup_cosine_factor(step: int, total_steps: int, warmup_steps: int) -> float:
    """``(step + 1) / warmup_steps`` during the warm-up, then half a cosine over the other steps."""
    if step < warmup_steps:
        return (step + 1) / warmup_steps
    return cosine_factor(step - warmup_steps, total_steps - warmup_steps)


def clip_binary_weights(model) -> None:
    """Keep latent weights in [-1, 1] (BinaryConnect): outside it the straight-through gradient
    would let them grow without bound and never flip sign again."""
    import torch

    with torch.no_grad():
        for weight in binary_weights(model):
            weight.clamp_(-1.0, 1.0)
