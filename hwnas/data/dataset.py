"""The in-memory dataset every loader returns: raw uint8 images, channels first, and int64 labels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwnas.arch.spec import Arch, FlatInput
from hwnas.errors import UserError


@dataclass(frozen=True)
class Split:
    images: np.ndarray  # uint8, (N, C, H, W)
    labels: np.ndarray  # int64, (N,)

    def __post_init__(self) -> None:
        if self.images.dtype != np.uint8 or self.images.ndim != 4:
            raise ValueError(f"images must be uint8 (N, C, H, W), got {self.images.dtype} {self.images.shape}")
        if self.labels.shape != (len(self.images),):
            raise ValueError(f"{len(self.images)} images but labels of shape {self.labels.shape}")

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, size: int, rng: np.random.Generator) -> Split:
        """``size`` examples drawn without replacement (the split itself when it is not larger)."""
        if size >= len(self):
            return self
        index = np.sort(rng.choice(len(self), size=size, replace=False))
        return Split(self.images[index], self.labels[index])


@dataclass(frozen=True)
class Dataset:
    name: str
    train: Split
    test: Split
    classes: int
    origin: str  # the folder it was read from, or how it was made

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return tuple(self.train.images.shape[1:])

    def summary(self) -> str:
        c, h, w = self.image_shape
        return f"{self.name}: {len(self.train)} train / {len(self.test)} test images of {c}x{h}x{w}, {self.classes} classes, from {self.origin}"


def check_fits(arch: Arch, *, dataset: str, image_shape: tuple[int, int, int], classes: int) -> None:
    """Raise a UserError unless ``arch`` reads images of ``image_shape`` and predicts ``classes`` classes."""
    c, h, w = image_shape
    if isinstance(arch.input, FlatInput):
        if arch.input.features != c * h * w:
            raise UserError(
                f"{arch.name} reads {arch.input.features} input features but {dataset} images are "
                f"{c}x{h}x{w} = {c * h * w} values; set input.features to {c * h * w} or pick another dataset"
            )
    elif arch.input.shape != (c, h, w):
        ac, ah, aw = arch.input.shape
        raise UserError(
            f"{arch.name} reads {ac}x{ah}x{aw} images (channels x height x width) but {dataset} images are "
            f"{c}x{h}x{w}; change the spec's input or pick another dataset"
        )
    if arch.classes != classes:
        raise UserError(f"{arch.name} predicts {arch.classes} classes but {dataset} has {classes}; set classes to {classes}")
