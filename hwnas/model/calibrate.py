"""BatchNorm statistics from data, so an untrained model still has thresholds inside its ranges."""

from __future__ import annotations

import numpy as np

from hwnas.arch.spec import Arch


def random_raw_inputs(arch: Arch, count: int, rng: np.random.Generator) -> np.ndarray:
    """Uniformly random raw uint8 samples shaped like the spec's input (NCHW images or flat)."""
    return rng.integers(0, 256, size=(count, *arch.input.shape), dtype=np.uint8)


def calibrate_batchnorm(model, inputs: np.ndarray, *, batch_size: int = 256) -> None:
    """Set every BatchNorm's running statistics to those of ``inputs`` (model inputs), in place.

    momentum=None makes BatchNorm keep a cumulative average, so the result does not depend on how
    the data is batched; the model is left in eval mode.

    Each mean is then moved to the nearest half-integer below it. Every BatchNorm here reads integer
    sums and keeps weight 1 and bias 0, so its sign flips at the mean: a mean that is (nearly) an
    integer puts a sum exactly on the threshold, where the float model and FINN's integer
    threshold (rounded from the same float) can decide differently by one rounding error. A mean of
    k + 0.5 keeps every sum at least 0.5 away, so both always agree.
    """
    import torch
    from torch import nn

    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    saved = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
    model.train()
    with torch.no_grad():
        for start in range(0, len(inputs), batch_size):
            model(torch.from_numpy(np.ascontiguousarray(inputs[start : start + batch_size])))
    for m, momentum in zip(norms, saved):
        m.momentum = momentum
        with torch.no_grad():
            m.running_mean.copy_(torch.floor(m.running_mean) + 0.5)
    model.eval()
