"""The in-memory dataset every loader returns: raw uint8 images, channels first, and int64 labels."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

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
    class_names: tuple[str, ...] | None = None  # label i is class_names[i]; None: the labels are the names
    note: str = ""  # what the reader decided for the user (a test split it drew), said with the summary

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return tuple(self.train.images.shape[1:])

    def summary(self) -> str:
        c, h, w = self.image_shape
        names = f" ({', '.join(self.class_names)})" if self.class_names else ""
        line = f"{self.name}: {len(self.train)} train / {len(self.test)} test images of {c}x{h}x{w}, {self.classes} classes{names}, from {self.origin}"
        return f"{line}; {self.note}" if self.note else line

    def label_names(self) -> tuple[str, ...]:
        return self.class_names or tuple(str(i) for i in range(self.classes))


CLASS_NAMES_FILE = "classes.json"


def write_class_names(dataset: Dataset, folder: Path) -> Path:
    """``classes.json`` beside a trained model: the name of each label, for reports, ``hwnas build``
    and the driver's output."""
    path = folder / CLASS_NAMES_FILE
    path.write_text(json.dumps({"dataset": dataset.name, "class_names": list(dataset.label_names())}, indent=2) + "\n")
    return path


def read_class_names(folder: Path) -> tuple[str, ...] | None:
    path = folder / CLASS_NAMES_FILE
    return tuple(json.loads(path.read_text())["class_names"]) if path.is_file() else None


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
