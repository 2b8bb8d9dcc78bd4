"""The datasets ``hwnas train`` knows, by name, and the one entry point that loads any of them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from hwnas.arch.spec import Arch, FlatInput
from hwnas.data.cifar import CIFAR10, read_cifar10
from hwnas.data.dataset import Dataset, check_fits
from hwnas.data.locate import Locations, Source, locate
from hwnas.data.mnist import FASHION_MNIST, MNIST, read_mnist_folder
from hwnas.data.svhn import SVHN, read_svhn
from hwnas.data.synthetic import make_synthetic
from hwnas.errors import UserError


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    description: str
    image_shape: tuple[int, int, int] | None  # None: takes the spec's input shape (synthetic)
    classes: int | None  # None: takes the spec's classes (synthetic)
    source: Source | None = None
    read: Callable[[Path], Dataset] | None = None


DATASETS = {
    info.name: info
    for info in (
        DatasetInfo(
            "fashion-mnist", "Zalando's 28x28 grey clothing images (Debian: dataset-fashion-mnist)", (1, 28, 28), 10,
            FASHION_MNIST, lambda folder: read_mnist_folder(folder, name="fashion-mnist"),
        ),
        DatasetInfo("mnist", "28x28 grey handwritten digits", (1, 28, 28), 10, MNIST, lambda folder: read_mnist_folder(folder, name="mnist")),
        DatasetInfo("cifar10", "32x32 colour images of 10 object classes", (3, 32, 32), 10, CIFAR10, read_cifar10),
        DatasetInfo("svhn", "32x32 colour house-number digits (cropped digits)", (3, 32, 32), 10, SVHN, read_svhn),
        DatasetInfo("synthetic", "generated noisy class prototypes in the spec's own input shape, for tests", None, None),
    )
}

# Works offline on a fresh machine after the README set-up, which installs Debian's package.
DEFAULT_DATASET = "fashion-mnist"


def known_datasets() -> tuple[str, ...]:
    return tuple(DATASETS)


def dataset_info(name: str) -> DatasetInfo:
    if name not in DATASETS:
        raise UserError(
            f"unknown dataset {name!r}; known: {', '.join(DATASETS)}, or the path of your own folder of class "
            f"sub-folders or .npz file (no such file or folder: {name})"
        )
    return DATASETS[name]


def is_own_data(name: str) -> bool:
    """Whether ``--dataset`` names the user's own files rather than a known dataset."""
    return name not in DATASETS and Path(name).exists()


def load_dataset(
    name: str, arch: Arch, *, locations: Locations = Locations(), seed: int = 0, progress: bool = True,
    resize: tuple[int, int] | None = None,
) -> Dataset:
    """Load dataset ``name`` (a known name, or the path of the user's own folder or .npz) for
    ``arch``, after checking that the spec reads its images.

    Real datasets are looked up as :func:`hwnas.data.locate.locate` documents; ``synthetic`` is
    generated in the spec's input shape from ``seed``; own data is read by :mod:`hwnas.data.own`.
    """
    if is_own_data(name):
        from hwnas.data.own import load_own_dataset

        dataset = load_own_dataset(Path(name), resize=resize, seed=seed, name=name)
        check_fits(arch, dataset=name, image_shape=dataset.image_shape, classes=dataset.classes)
        return dataset
    if resize is not None:
        raise UserError(f"--resize applies to your own folder or .npz, not to {name}")
    info = dataset_info(name)
    if info.source is None:
        shape = arch.input.shape if not isinstance(arch.input, FlatInput) else (1, 1, arch.input.features)
        return make_synthetic(shape, arch.classes, seed=seed)
    check_fits(arch, dataset=name, image_shape=info.image_shape, classes=info.classes)
    folder = locate(info.source, locations, progress=progress)
    dataset = info.read(folder)
    check_fits(arch, dataset=f"{name} (read from {folder})", image_shape=dataset.image_shape, classes=dataset.classes)
    return dataset
