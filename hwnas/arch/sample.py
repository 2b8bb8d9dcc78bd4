"""Random valid specs, for tests and benchmarks that must hold beyond the hand-written examples."""

from __future__ import annotations

import numpy as np

from hwnas.arch.spec import Add, Arch, Conv, FlatInput, ImageInput, Linear, MaxPool, arch_from_dict


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


def random_branching_arch(
    rng: np.random.Generator, *, name: str = "random-branching", sizes=(8, 10, 12), widths=(4, 8, 12)
) -> Arch:
    """A small random network with branches: residual adds (binary skips and conv outputs on grids
    of 2..6 bits), two convs summed (one dilated, as in BNAS cells), padded binary maps, maybe a
    pool between blocks; 1- or 8-bit image input. ``sizes`` and ``widths``: the image sizes and
    conv widths drawn from (smaller ones give a fold space small enough to enumerate)."""
    bits = int(rng.choice([1, 8]))
    size = int(rng.choice(list(sizes)))
    width = int(rng.choice(list(widths)))
    inp = ImageInput(int(rng.choice([1, 3])), size, size, bits)
    layers: list = [Conv(width, 3, padding=1, name="b0")]
    for block in range(1, int(rng.integers(2, 4))):
        here, grid = f"b{block - 1}", int(rng.integers(2, 7))
        pool = size >= 8 and rng.random() < 0.4
        out = f"b{block}s" if pool else f"b{block}"  # a pool after the add takes the block's name
        if rng.random() < 0.5:  # residual: a binary skip plus one or two convs
            body = [Conv(width, 3, padding=1, name=f"b{block}c0", inputs=(here,))]
            if rng.random() < 0.5:
                body.append(Conv(width, 1, name=f"b{block}c1"))
            layers += body
            layers.append(Add(grid, name=out, inputs=(here, body[-1].name)))
        else:  # a cell: a dilated 3x3 and a 3x3 summed, sometimes with the skip as a third input
            layers.append(Conv(width, 3, padding=2, dilation=2, name=f"b{block}d", inputs=(here,)))
            layers.append(Conv(width, 3, padding=1, name=f"b{block}n", inputs=(here,)))
            inputs = (f"b{block}d", f"b{block}n") + ((here,) if rng.random() < 0.5 else ())
            layers.append(Add(grid, name=out, inputs=inputs))
        if pool:
            layers.append(MaxPool(2, name=f"b{block}"))
            size //= 2
    classes = int(rng.integers(2, 11))
    layers.append(Linear(classes))
    return _validated(Arch(name, inp, classes, tuple(layers)))
