"""Random valid specs, for tests and benchmarks that must hold beyond the hand-written examples."""

from __future__ import annotations

import numpy as np

from hwnas.arch.spec import Arch, Conv, FlatInput, ImageInput, Linear, MaxPool, arch_from_dict


def random_arch(rng: np.random.Generator, *, kind: str = "conv", name: str = "random") -> Arch:
    """A small random binary network: ``kind`` is ``"conv"`` (image input) or ``"mlp"`` (flat input)."""
    classes = int(rng.integers(2, 11))
    if kind == "mlp":
        features = int(rng.choice([16, 32, 49, 64, 100, 784]))
        hidden = [Linear(int(rng.choice([8, 16, 24, 32, 64, 96]))) for _ in range(int(rng.integers(0, 4)))]
        inp = FlatInput(features, int(rng.choice([1, 8])))
        return _validated(Arch(name, inp, classes, (*hidden, Linear(classes))))
    if kind != "conv":
        raise ValueError(f"kind must be 'conv' or 'mlp', got {kind!r}")
    channels = int(rng.choice([1, 3]))
    size = int(rng.choice([8, 10, 12, 16]))
    inp = ImageInput(channels, size, size, int(rng.choice([1, 8])))
    layers: list = []
    for _ in range(int(rng.integers(1, 4))):
        kernel = int(rng.choice([1, 2, 3])) if size >= 3 else 1
        if kernel > size:
            break
        layers.append(Conv(int(rng.choice([4, 8, 12, 16, 32])), kernel))
        size = size - kernel + 1
        if size >= 4 and rng.random() < 0.4:
            layers.append(MaxPool(2))
            size //= 2
    for _ in range(int(rng.integers(0, 3))):
        layers.append(Linear(int(rng.choice([8, 16, 32, 64]))))
    layers.append(Linear(classes))
    return _validated(Arch(name, inp, classes, tuple(layers)))


def _validated(arch: Arch) -> Arch:
    return arch_from_dict(arch.to_dict(), source=arch.name)
