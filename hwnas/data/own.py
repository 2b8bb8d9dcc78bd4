"""The user's own data as a :class:`Dataset`: :mod:`hwnas.data.files` read it, this draws a test
split when the data has none and turns its errors into one-line user errors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from hwnas.data.dataset import Dataset, Split
from hwnas.data.files import DataError, parse_size, read_labelled
from hwnas.errors import UserError

TEST_SHARE = 0.2  # of the images, held out as the test split when the data has none


def resize_arg(text: str | None) -> tuple[int, int] | None:
    """``--resize HxW`` as (height, width), or None."""
    if text is None:
        return None
    try:
        return parse_size(text)
    except DataError as exc:
        raise UserError(f"--resize: {exc}") from None


def load_own_dataset(path: Path, *, resize: tuple[int, int] | None = None, seed: int = 0, name: str | None = None) -> Dataset:
    """Read a class-folder tree or an ``.npz`` (see :mod:`hwnas.data.files`) into a Dataset named
    ``name`` (default: the path)."""
    try:
        found = read_labelled(path, resize=resize)
    except DataError as exc:
        raise UserError(str(exc)) from None
    train = Split(found.train_images, found.train_labels)
    note = ""
    if found.test_images is not None:
        test = Split(found.test_images, found.test_labels)
    else:
        count = max(1, round(TEST_SHARE * len(train)))
        if count >= len(train):
            raise UserError(f"{path} holds {len(train)} image(s): too few to hold out a test split; add images or a test split")
        order = np.random.default_rng(seed).permutation(len(train))
        test_index, train_index = np.sort(order[:count]), np.sort(order[count:])
        test = Split(train.images[test_index], train.labels[test_index])
        train = Split(train.images[train_index], train.labels[train_index])
        note = f"no test split in {path.name}: {count} images ({TEST_SHARE:.0%}, seed {seed}) held out as the test set"
    return Dataset(
        name=name or str(path), train=train, test=test, classes=len(found.class_names), origin=found.origin,
        class_names=found.class_names, note=note,
    )


def content_digest(dataset: Dataset) -> str:
    """12 hex digits over the training images and labels: a cache key that changes with the data."""
    digest = hashlib.sha256()
    for array in (dataset.train.images, dataset.train.labels, dataset.test.labels):
        digest.update(str(array.shape).encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()[:12]
