"""A made-up dataset in any image shape, for tests and smoke runs on machines without data.

Each class has a random black-and-white prototype; an example is its class's prototype with a share
of its pixels flipped and some grey noise on top. A binary network separates the classes well above
chance within a few batches, yet not trivially, since ``flip`` of the pixels lie.
"""

from __future__ import annotations

import numpy as np

from hwnas.data.dataset import Dataset, Split


def make_synthetic(
    image_shape: tuple[int, int, int],
    classes: int,
    *,
    train_size: int = 2048,
    test_size: int = 512,
    flip: float = 0.3,
    seed: int = 0,
) -> Dataset:
    rng = np.random.default_rng(seed)
    prototypes = rng.random((classes, *image_shape)) < 0.5

    def split(size: int) -> Split:
        labels = rng.integers(0, classes, size=size)
        flipped = rng.random((size, *image_shape)) < flip
        white = prototypes[labels] ^ flipped
        grey = rng.integers(0, 64, size=(size, *image_shape))
        images = np.where(white, 255 - grey, grey).astype(np.uint8)
        return Split(images, labels.astype(np.int64))

    c, h, w = image_shape
    return Dataset(
        name="synthetic",
        train=split(train_size),
        test=split(test_size),
        classes=classes,
        origin=f"generated ({c}x{h}x{w}, {classes} classes, seed {seed})",
    )
