"""The search's second step: its data. Own data is read and checked before any folder is made; the
split into training and validation images, the supernet's pixels and the supernet's cache path
follow from the settings and the data's identity."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from hwnas.data.dataset import Dataset
from hwnas.errors import UserError
from hwnas.search.budget import Budget
from hwnas.search.space import SearchSpace

if TYPE_CHECKING:
    from hwnas.search.settings import SearchSettings


def data_key(settings: SearchSettings, data_identity: dict) -> str:
    """The dataset's part of cache file names: its name, or for own data the folder's name and a
    digest of its content (so that edited data trains a new supernet)."""
    name = settings.dataset_name()
    if not data_identity:
        return name
    return f"{Path(name).name or 'data'}-{data_identity['data']}"


def supernet_path(settings: SearchSettings, space: SearchSpace, origin: str, data_key: str) -> Path:
    budget = settings.budget
    key = json.dumps(
        {"dataset": data_key, "origin": origin, "space": repr(space.space), "input": repr(space.input),
         "subset": budget.train_subset, "validation": budget.validation, "epochs": budget.supernet_epochs,
         "seed": settings.seed, "recipe": settings.recipe.to_dict()},
        sort_keys=True,
    )
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return settings.cache_dir / "supernets" / f"{data_key}-{budget.name}-{digest}.pt"


def open_dataset(settings: SearchSettings):
    """The dataset before any folder is made: own data (a path, or an in-memory Dataset) is read and
    checked now; a known name is checked now and loaded after the cheap feasibility check.
    Returns (dataset or None, image shape, classes, the data's part of the run's identity)."""
    from hwnas.data import Dataset, dataset_info
    from hwnas.data.own import content_digest
    from hwnas.data.registry import is_own_data

    dataset = settings.dataset
    if isinstance(dataset, str) and is_own_data(dataset):
        from hwnas.data.own import load_own_dataset

        dataset = load_own_dataset(Path(dataset), resize=settings.resize, seed=settings.seed, name=dataset)
    if isinstance(dataset, Dataset):
        return dataset, dataset.image_shape, dataset.classes, {"data": content_digest(dataset)}
    if settings.resize is not None:
        raise UserError(f"--resize applies to your own folder or .npz, not to {dataset}")
    info = dataset_info(dataset)
    return None, info.image_shape or (1, 16, 16), info.classes or 4, {}


def search_split(dataset: Dataset, budget: Budget, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(training, validation) indices into the training split: a seeded draw of the budget's
    validation images (which rank candidates) and its training subset from the rest."""
    order = np.random.default_rng(seed).permutation(len(dataset.train))
    # a small dataset of the user's keeps four fifths of its training images for training
    validation = min(budget.validation, len(dataset.train) // 5)
    train_index = order[validation:]
    if budget.train_subset is not None:
        train_index = train_index[: budget.train_subset]
    return train_index, order[:validation]


def supernet_pixels(dataset: Dataset, space: SearchSpace, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Raw float pixels in the supernet's layout and their labels."""
    return dataset.train.images[index].astype(np.float32).reshape(len(index), *space.input.shape), dataset.train.labels[index]


@dataclass(frozen=True)
class SearchData:
    """The loaded dataset and the search's split of its training images."""

    dataset: Dataset
    train_index: np.ndarray
    val_index: np.ndarray
    train_x: np.ndarray  # the supernet's pixels and labels
    train_y: np.ndarray
    val_x: np.ndarray
    val_y: np.ndarray
    key: str  # the data's part of cache file names (data_key)


def load_search_data(settings: SearchSettings, space: SearchSpace, dataset: Dataset | None, data_identity: dict, *,
                     log) -> SearchData:
    """The dataset (``None``: the known one named in the settings, loaded now, after the feasibility
    check) and the search's split of it."""
    from hwnas.data import Locations, load_dataset

    if dataset is None:
        locations = Locations(data_dir=settings.data_dir, cache_dir=settings.cache_dir / "datasets")
        dataset = load_dataset(settings.dataset, space.largest(), locations=locations, seed=settings.seed,
                               progress=settings.progress)
    log(dataset.summary())
    train_index, val_index = search_split(dataset, settings.budget, settings.seed)
    train_x, train_y = supernet_pixels(dataset, space, train_index)
    val_x, val_y = supernet_pixels(dataset, space, val_index)
    return SearchData(dataset, train_index, val_index, train_x, train_y, val_x, val_y, data_key(settings, data_identity))
