"""Turn raw 8-bit data into the values the model (and the hardware) reads."""

from __future__ import annotations

import math

import numpy as np

from hwnas.arch.spec import Arch, ImageInput
from hwnas.errors import UserError

# bits=1 binarises at the middle of the 8-bit range, as FINN's BNN-PYNQ MNIST examples do.
BINARY_THRESHOLD = 128


def prepare_input(raw: np.ndarray, arch: Arch) -> np.ndarray:
    """Raw uint8 data, (N,H,W), (N,H,W,C), (N,C,H,W) or flat (N,F), to float32 model input.

    Images come out NCHW; ``bits: 8`` keeps the integer pixels 0..255, ``bits: 1`` maps
    pixel >= 128 to +1 and the rest to -1.
    """
    raw = np.asarray(raw)
    if raw.dtype != np.uint8:
        raise UserError(f"prepare_input expects uint8 data, got {raw.dtype}")
    n = raw.shape[0]
    if isinstance(arch.input, ImageInput):
        c, h, w = arch.input.shape
        if raw.shape[1:] == (h, w) and c == 1:
            data = raw[:, None, :, :]
        elif raw.shape[1:] == (h, w, c):
            data = raw.transpose(0, 3, 1, 2)
        elif raw.shape[1:] == (c, h, w):
            data = raw
        else:
            raise UserError(f"{arch.name}: images of shape {raw.shape[1:]} do not fit the input {c}x{h}x{w}")
    else:
        features = arch.input.features
        if math.prod(raw.shape[1:]) != features:
            raise UserError(f"{arch.name}: samples of shape {raw.shape[1:]} do not have {features} features")
        data = raw.reshape(n, features)
    if arch.input.bits == 1:
        return np.where(data >= BINARY_THRESHOLD, 1.0, -1.0).astype(np.float32)
    return data.astype(np.float32)
