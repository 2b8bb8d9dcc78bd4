"""CIFAR-10 in its "python version": pickled batches in ``cifar-10-batches-py/``, or their tarball.

Each batch is a pickled dict with ``b"data"`` (10000 x 3072 uint8: 1024 red, 1024 green, 1024 blue
values, rows top to bottom) and ``b"labels"`` (10000 ints 0..9). The training set is
``data_batch_1`` .. ``data_batch_5``, the test set ``test_batch``. The tarball
``cifar-10-python.tar.gz`` holds the same folder and is read without unpacking.
"""

from __future__ import annotations

import io
import pickle
import tarfile
from pathlib import Path

import numpy as np

from hwnas.data.dataset import Dataset, Split
from hwnas.data.locate import RemoteFile, Source
from hwnas.errors import UserError

FOLDER = "cifar-10-batches-py"
ARCHIVE = "cifar-10-python.tar.gz"
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_BATCH = "test_batch"

_EXPECTED = f"{FOLDER}/ (data_batch_1..5, test_batch) or {ARCHIVE}"


class _ArrayUnpickler(pickle.Unpickler):
    """Unpickles plain containers and numpy arrays only: a batch file runs no other code."""

    _ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("_codecs", "encode"),
    }

    def find_class(self, module: str, name: str):
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"a CIFAR batch may not reference {module}.{name}")
        return super().find_class(module, name)


def _parse_batch(raw: bytes, where: str) -> Split:
    try:
        batch = _ArrayUnpickler(io.BytesIO(raw), encoding="bytes").load()
    except (pickle.UnpicklingError, EOFError, ValueError) as exc:
        raise UserError(f"{where} is not a CIFAR-10 python batch: {exc}") from None
    if not isinstance(batch, dict) or b"data" not in batch or b"labels" not in batch:
        raise UserError(f"{where} is not a CIFAR-10 python batch (no data/labels)")
    data = np.asarray(batch[b"data"])
    labels = np.asarray(batch[b"labels"], dtype=np.int64)
    if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
        raise UserError(f"{where}: data should be N x 3072 uint8, got {data.dtype} {data.shape}")
    if len(labels) != len(data):
        raise UserError(f"{where}: {len(data)} images but {len(labels)} labels")
    if labels.size and (labels.min() < 0 or labels.max() >= 10):
        raise UserError(f"{where}: labels must be 0..9")
    return Split(data.reshape(-1, 3, 32, 32), labels)


def _concat(splits: list[Split]) -> Split:
    return Split(np.concatenate([s.images for s in splits]), np.concatenate([s.labels for s in splits]))


def _batch_folder(folder: Path) -> Path | None:
    for candidate in (folder / FOLDER, folder):
        if all((candidate / name).is_file() for name in (*TRAIN_BATCHES, TEST_BATCH)):
            return candidate
    return None


def has_cifar10(folder: Path) -> bool:
    return _batch_folder(folder) is not None or (folder / ARCHIVE).is_file()


def read_cifar10(folder: Path) -> Dataset:
    """Read CIFAR-10 from ``folder``: its unpacked batches (preferred) or the tarball."""
    batches = _batch_folder(folder)
    if batches is not None:
        raw = {name: (batches / name).read_bytes() for name in (*TRAIN_BATCHES, TEST_BATCH)}
        origin = batches
    else:
        origin = folder / ARCHIVE
        raw = _read_archive(origin)
    return Dataset(
        name="cifar10",
        train=_concat([_parse_batch(raw[name], f"{origin}/{name}") for name in TRAIN_BATCHES]),
        test=_parse_batch(raw[TEST_BATCH], f"{origin}/{TEST_BATCH}"),
        classes=10,
        origin=str(origin),
    )


def _read_archive(path: Path) -> dict[str, bytes]:
    wanted = {f"{FOLDER}/{name}": name for name in (*TRAIN_BATCHES, TEST_BATCH)}
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                if member.name in wanted and member.isfile():
                    found[wanted[member.name]] = archive.extractfile(member).read()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise UserError(f"cannot read {path}: {exc}; delete it so that it is fetched again") from None
    missing = sorted(set(wanted.values()) - set(found))
    if missing:
        raise UserError(f"{path} lacks {', '.join(f'{FOLDER}/{m}' for m in missing)}")
    return found


CIFAR10 = Source(
    name="cifar10",
    present=has_cifar10,
    expected=_EXPECTED,
    remotes=(RemoteFile("https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz", ARCHIVE, "c58f30108f718f92721af3b95e74349a"),),
    homepage="https://www.cs.toronto.edu/~kriz/cifar.html",
)
