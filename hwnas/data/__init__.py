"""Datasets as raw uint8 images: real published formats, looked up locally first, downloaded last."""

from hwnas.data.dataset import Dataset, Split, check_fits
from hwnas.data.locate import Locations, download_file
from hwnas.data.registry import DEFAULT_DATASET, dataset_info, known_datasets, load_dataset

__all__ = [
    "DEFAULT_DATASET",
    "Dataset",
    "Locations",
    "Split",
    "check_fits",
    "dataset_info",
    "download_file",
    "known_datasets",
    "load_dataset",
]
