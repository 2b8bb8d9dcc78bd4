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
    model.eval()
