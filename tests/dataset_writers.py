"""Write small datasets in the real published formats, independently of hwnas's readers."""

from __future__ import annotations

import gzip
import io
import pickle
import struct
import tarfile
from pathlib import Path

import numpy as np


def write_idx(path: Path, array: np.ndarray) -> Path:
    """IDX as Yann LeCun's page describes it: 0x0000, type 0x08, ndim, big-endian dims, bytes."""
    payload = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape) + array.astype(np.uint8).tobytes()
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(payload))
    else:
        path.write_bytes(payload)
    return path


def write_mnist_folder(folder: Path, rng: np.random.Generator, *, train: int = 30, test: int = 12, gz: bool = True) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, train, dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, test, dtype=np.uint8),
    }
    for stem, array in arrays.items():
        write_idx(folder / (stem + (".gz" if gz else "")), array)
    return arrays


def cifar_batch_bytes(images_chw: np.ndarray, labels: np.ndarray) -> bytes:
    """A batch as in cifar-10-batches-py: a pickled dict with bytes keys, data N x 3072 (R, G, B planes)."""
    batch = {
        b"batch_label": b"testing batch 1 of 1",
        b"labels": [int(v) for v in labels],
        b"data": images_chw.reshape(len(images_chw), -1).astype(np.uint8),
        b"filenames": [f"img_{i}.png".encode() for i in range(len(labels))],
    }
    return pickle.dumps(batch, protocol=2)


def write_cifar10(folder: Path, rng: np.random.Generator, *, per_batch: int = 4, archive: bool = False) -> dict:
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    content = {}
    for name in names:
        images = rng.integers(0, 256, (per_batch, 3, 32, 32), dtype=np.uint8)
        labels = rng.integers(0, 10, per_batch)
        content[name] = (images, labels)
    folder.mkdir(parents=True, exist_ok=True)
    if archive:
        with tarfile.open(folder / "cifar-10-python.tar.gz", "w:gz") as tar:
            for name, (images, labels) in content.items():
                data = cifar_batch_bytes(images, labels)
                info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    else:
        batches = folder / "cifar-10-batches-py"
        batches.mkdir(exist_ok=True)
        for name, (images, labels) in content.items():
            (batches / name).write_bytes(cifar_batch_bytes(images, labels))
    return content


def write_svhn(folder: Path, rng: np.random.Generator, *, train: int = 7, test: int = 5) -> dict:
    from scipy.io import savemat

    folder.mkdir(parents=True, exist_ok=True)
    content = {}
    for split, size in (("train", train), ("test", test)):
        x = rng.integers(0, 256, (32, 32, 3, size), dtype=np.uint8)  # H x W x C x N, as published
        y = rng.integers(1, 11, (size, 1)).astype(np.float64)  # doubles 1..10, 10 is the digit 0
        savemat(folder / f"{split}_32x32.mat", {"X": x, "y": y})
        content[split] = (x, y)
    return content


FASHION_CLASSES = ("T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


def fashion_slice(folder: Path, *, classes: tuple[int, ...], per_class: int, size: tuple[int, int], split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Real Fashion-MNIST images of ``classes`` (the first ``per_class`` of each), resized to ``size``
    (height, width) with Pillow: uint8 (N, H, W), and labels renumbered 0..len(classes)-1."""
    from PIL import Image

    stem = "train" if split == "train" else "t10k"
    with gzip.open(folder / f"{stem}-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
    with gzip.open(folder / f"{stem}-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    picked, new_labels = [], []
    for new, old in enumerate(classes):
        index = np.flatnonzero(labels == old)[:per_class]
        picked += [np.asarray(Image.fromarray(images[i]).resize((size[1], size[0]), Image.Resampling.BILINEAR)) for i in index]
        new_labels += [new] * len(index)
    return np.stack(picked).astype(np.uint8), np.asarray(new_labels, dtype=np.int64)


def write_image_folder(folder: Path, images: np.ndarray, labels: np.ndarray, names: tuple[str, ...], *, suffix: str = ".png") -> Path:
    """torchvision's ImageFolder layout: folder/<class name>/<index>.png."""
    from PIL import Image

    for name in names:
        (folder / name).mkdir(parents=True, exist_ok=True)
    for i, (image, label) in enumerate(zip(images, labels)):
        Image.fromarray(image).save(folder / names[label] / f"{i:05d}{suffix}")
    return folder
