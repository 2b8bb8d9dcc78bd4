"""MNIST and Fashion-MNIST: four IDX files, 28x28 grey images, 10 classes."""

from __future__ import annotations

from pathlib import Path

from hwnas.data.dataset import Dataset, Split
from hwnas.data.idx import find_idx, read_idx
from hwnas.data.locate import RemoteFile, Source
from hwnas.errors import UserError

STEMS = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
_ALL_STEMS = STEMS["train"] + STEMS["test"]

# MD5s as published with the files (Fashion-MNIST's README; the MNIST mirror torchvision uses).
_MNIST_BASE = "https://ossci-datasets.s3.amazonaws.com/mnist/"
_MNIST_MD5 = {
    "train-images-idx3-ubyte": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte": "ec29112dd5afa0611ce80d1b7f02629c",
}
_FASHION_BASE = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
_FASHION_MD5 = {
    "train-images-idx3-ubyte": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte": "bb300cfdad3c16e7a12a480ee83cd310",
}


def _remotes(base: str, md5s: dict[str, str]) -> tuple[RemoteFile, ...]:
    return tuple(RemoteFile(f"{base}{stem}.gz", f"{stem}.gz", md5s[stem]) for stem in _ALL_STEMS)


def has_idx_files(folder: Path) -> bool:
    return all(find_idx(folder, stem) is not None for stem in _ALL_STEMS)


_EXPECTED = "the four IDX files " + ", ".join(f"{stem}[.gz]" for stem in _ALL_STEMS)

MNIST = Source(
    name="mnist",
    present=has_idx_files,
    expected=_EXPECTED,
    remotes=_remotes(_MNIST_BASE, _MNIST_MD5),
    homepage="https://yann.lecun.com/exdb/mnist/",
)
FASHION_MNIST = Source(
    name="fashion-mnist",
    present=has_idx_files,
    expected=_EXPECTED,
    remotes=_remotes(_FASHION_BASE, _FASHION_MD5),
    system_dirs=(Path("/usr/share/datasets/fashion-mnist"),),  # Debian's dataset-fashion-mnist
    homepage="https://github.com/zalandoresearch/fashion-mnist",
)


def _read_split(folder: Path, images_stem: str, labels_stem: str) -> Split:
    images_path, labels_path = find_idx(folder, images_stem), find_idx(folder, labels_stem)
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.ndim != 3 or labels.ndim != 1:
        raise UserError(f"{images_path} / {labels_path}: expected N x H x W images and N labels, got {images.shape} and {labels.shape}")
    if len(images) != len(labels):
        raise UserError(f"{images_path} holds {len(images)} images but {labels_path} holds {len(labels)} labels")
    if labels.size and labels.max() >= 10:
        raise UserError(f"{labels_path}: label {labels.max()} is outside 0..9")
    return Split(images[:, None, :, :], labels.astype("int64"))


def read_mnist_folder(folder: Path, *, name: str) -> Dataset:
    """Read the train and test IDX files of MNIST or Fashion-MNIST from ``folder``."""
    return Dataset(
        name=name,
        train=_read_split(folder, *STEMS["train"]),
        test=_read_split(folder, *STEMS["test"]),
        classes=10,
        origin=str(folder),
    )
