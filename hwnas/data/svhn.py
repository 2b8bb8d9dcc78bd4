"""SVHN, format 2 (cropped digits): ``train_32x32.mat`` and ``test_32x32.mat``.

Each MATLAB file holds ``X``, 32 x 32 x 3 x N uint8 (height, width, channel, image), and ``y``,
N x 1 labels 1..10 where 10 stands for the digit 0.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hwnas.data.dataset import Dataset, Split
from hwnas.data.locate import RemoteFile, Source
from hwnas.errors import UserError

FILES = {"train": "train_32x32.mat", "test": "test_32x32.mat"}


def has_svhn(folder: Path) -> bool:
    return all((folder / name).is_file() for name in FILES.values())


def _read_mat(path: Path) -> Split:
    from scipy.io import loadmat

    try:
        content = loadmat(path, variable_names=["X", "y"])
    except (ValueError, OSError, NotImplementedError) as exc:
        raise UserError(f"cannot read {path} as a MATLAB file: {exc}") from None
    if "X" not in content or "y" not in content:
        raise UserError(f"{path} lacks the X and y variables of SVHN's cropped digits")
    x, y = content["X"], content["y"].reshape(-1)
    if x.dtype != np.uint8 or x.ndim != 4 or x.shape[:3] != (32, 32, 3):
        raise UserError(f"{path}: X should be 32 x 32 x 3 x N uint8, got {x.dtype} {x.shape}")
    if len(y) != x.shape[3]:
        raise UserError(f"{path}: {x.shape[3]} images but {len(y)} labels")
    if y.size and (y.min() < 1 or y.max() > 10):
        raise UserError(f"{path}: labels must be 1..10 (10 is the digit 0), got {y.min()}..{y.max()}")
    images = np.ascontiguousarray(x.transpose(3, 2, 0, 1))
    return Split(images, (y % 10).astype(np.int64))


def read_svhn(folder: Path) -> Dataset:
    return Dataset(
        name="svhn",
        train=_read_mat(folder / FILES["train"]),
        test=_read_mat(folder / FILES["test"]),
        classes=10,
        origin=str(folder),
    )


_BASE = "http://ufldl.stanford.edu/housenumbers/"
SVHN = Source(
    name="svhn",
    present=has_svhn,
    expected=f"{FILES['train']} and {FILES['test']}",
    remotes=(
        RemoteFile(_BASE + FILES["train"], FILES["train"], "e26dedcc434d2e4c54c9b2d4a06d8373"),
        RemoteFile(_BASE + FILES["test"], FILES["test"], "eb5a983be6a315427106f1b164d9cef3"),
    ),
    homepage="http://ufldl.stanford.edu/housenumbers/",
)
