"""The user's own labelled images: a folder of class sub-folders, or an ``.npz`` of arrays.

This is the one reader of these formats. Training, the search and ``hwnas build --csim`` call it
through :mod:`hwnas.data.own`; the generated PYNQ driver gets a copy of this very file, so it
imports nothing of hwnas (only numpy, and Pillow for image files).

- Folder: one sub-folder per class holding PNG/JPEG images (torchvision's ImageFolder layout),
  optionally split into ``train/`` and ``test/``, each with the same class sub-folders. Class names
  are the sub-folder names, in sorted order; label i is the i-th name.
- ``.npz``: ``images`` (N x H x W or N x H x W x C, uint8) and ``labels`` (N integers), optionally
  ``test_images`` / ``test_labels`` and ``class_names`` (K strings; labels are then 0..K-1).

Images come out channels first, (N, C, H, W) uint8; grey images have one channel, any colour image
in a folder makes all of them RGB. Every problem is a :class:`DataError` with one line naming the
file at fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".pgm")
GREY_MODES = ("1", "L", "I", "I;16", "F")


class DataError(ValueError):
    """The user's data cannot be read as it is: one line, naming the file at fault."""


@dataclass(frozen=True)
class LabelledImages:
    """What the reader found: a training split, a test split when the data has one, class names."""

    train_images: np.ndarray  # uint8 (N, C, H, W)
    train_labels: np.ndarray  # int64 (N,)
    test_images: np.ndarray | None
    test_labels: np.ndarray | None
    class_names: tuple[str, ...]
    origin: str


def parse_size(text: str) -> tuple[int, int]:
    """``HxW`` (e.g. ``32x32``) -> (height, width)."""
    parts = text.lower().split("x")
    if len(parts) != 2 or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise DataError(f"a size is HEIGHTxWIDTH in pixels, e.g. 32x32; got {text!r}")
    return int(parts[0]), int(parts[1])


def image_files(folder: Path) -> list[Path]:
    """The image files directly in ``folder``, sorted by name."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def read_images(files: list[Path], *, resize: tuple[int, int] | None = None, channels: int | None = None) -> np.ndarray:
    """uint8 (N, C, H, W) from image files: all the same size unless ``resize`` (height, width) is
    given; ``channels`` 1 or 3 forces grey or RGB, None keeps grey when every image is grey."""
    from PIL import Image, UnidentifiedImageError

    opened = []
    for path in files:
        try:
            image = Image.open(path)
            image.load()
        except (UnidentifiedImageError, OSError) as exc:
            raise DataError(f"cannot read the image {path}: {exc}") from None
        opened.append((path, image))
    if channels is None:
        channels = 1 if all(image.mode in GREY_MODES for _, image in opened) else 3
    first_path, first = opened[0]
    arrays = []
    for path, image in opened:
        if resize is not None:
            image = image.resize((resize[1], resize[0]), Image.Resampling.BILINEAR)
        elif image.size != first.size:
            raise DataError(
                f"{path} is {image.size[1]}x{image.size[0]} (height x width) but {first_path} is "
                f"{first.size[1]}x{first.size[0]}; give --resize HxW to resize every image"
            )
        arrays.append(np.asarray(image.convert("L" if channels == 1 else "RGB"), dtype=np.uint8))
    stacked = np.stack(arrays)
    return stacked[:, None] if channels == 1 else np.ascontiguousarray(stacked.transpose(0, 3, 1, 2))


def _class_folders(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def _read_class_tree(folder: Path, class_names: tuple[str, ...] | None, resize, channels) -> tuple[list[Path], np.ndarray, tuple[str, ...]]:
    classes = _class_folders(folder)
    if not classes:
        raise DataError(f"{folder} holds no class sub-folders; put each class's images in a sub-folder named after it")
    names = tuple(p.name for p in classes)
    if class_names is not None and names != class_names:
        raise DataError(f"{folder} has the classes {', '.join(names)} but the training split has {', '.join(class_names)}")
    files, labels = [], []
    for label, sub in enumerate(classes):
        found = image_files(sub)
        if not found:
            raise DataError(f"the class folder {sub} holds no images ({', '.join(IMAGE_SUFFIXES)})")
        files += found
        labels += [label] * len(found)
    return files, np.asarray(labels, dtype=np.int64), names


def read_image_folder(folder: Path, *, resize: tuple[int, int] | None = None, channels: int | None = None) -> LabelledImages:
    """An ImageFolder tree, or ``train/`` and ``test/`` trees of the same classes."""
    if not folder.is_dir():
        raise DataError(f"{folder} is not a folder")
    split = (folder / "train").is_dir() and (folder / "test").is_dir()
    train_files, train_labels, names = _read_class_tree(folder / "train" if split else folder, None, resize, channels)
    _check_classes(len(names), folder)
    test_files, test_labels = [], None
    if split:
        test_files, test_labels, _ = _read_class_tree(folder / "test", names, resize, channels)
    # one call for both splits, so that they get the same size check and the same channels
    images = read_images(train_files + test_files, resize=resize, channels=channels)
    train_images, test_images = images[: len(train_files)], images[len(train_files) :] if split else None
    return LabelledImages(train_images, train_labels, test_images, test_labels, names, str(folder))


def _check_classes(count: int, where: Path) -> None:
    if count < 2:
        raise DataError(f"{where} holds {count} class; a classifier needs at least 2")


def _npz_images(data, key: str, path: Path, resize, channels) -> np.ndarray:
    images = data[key]
    if images.dtype != np.uint8:
        raise DataError(f"{path}: {key} must be uint8 pixels, got {images.dtype}")
    if images.ndim == 3:
        images = images[:, None]
    elif images.ndim == 4 and images.shape[3] in (1, 3):
        images = np.ascontiguousarray(images.transpose(0, 3, 1, 2))
    else:
        raise DataError(f"{path}: {key} must be N x H x W or N x H x W x C (C 1 or 3), got shape {images.shape}")
    if channels is not None and images.shape[1] != channels:
        raise DataError(f"{path}: {key} have {images.shape[1]} channels, {channels} are needed")
    if resize is not None and images.shape[2:] != resize:
        from PIL import Image

        mode = "L" if images.shape[1] == 1 else "RGB"
        resized = [
            np.asarray(Image.fromarray(im[0] if mode == "L" else im.transpose(1, 2, 0), mode).resize(
                (resize[1], resize[0]), Image.Resampling.BILINEAR))
            for im in images
        ]
        stacked = np.stack(resized)
        images = stacked[:, None] if mode == "L" else np.ascontiguousarray(stacked.transpose(0, 3, 1, 2))
    return images


def _npz_labels(data, key: str, path: Path, count: int, classes: int | None) -> np.ndarray:
    labels = data[key]
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise DataError(f"{path}: {key} must be a 1-D array of integers, got {labels.dtype} of shape {labels.shape}")
    if len(labels) != count:
        raise DataError(f"{path}: {count} images but {len(labels)} {key}")
    if labels.size and labels.min() < 0:
        raise DataError(f"{path}: {key} holds {labels.min()}; labels are 0..K-1")
    if classes is not None and labels.size and labels.max() >= classes:
        raise DataError(f"{path}: {key} holds {labels.max()}, out of range for the {classes} class names (0..{classes - 1})")
    return labels.astype(np.int64)


def read_npz(path: Path, *, resize: tuple[int, int] | None = None, channels: int | None = None) -> LabelledImages:
    """``images``/``labels``, optionally ``test_images``/``test_labels`` and ``class_names``."""
    import zipfile

    try:
        data = np.load(path, allow_pickle=False)
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise DataError(f"cannot read {path} as an .npz file: {exc}") from None
    with data:
        for key in ("images", "labels"):
            if key not in data:
                raise DataError(f"{path} has no {key!r} array (it has {', '.join(data.files) or 'none'})")
        if ("test_images" in data) != ("test_labels" in data):
            raise DataError(f"{path}: give both test_images and test_labels, or neither")
        names = None
        if "class_names" in data:
            names = tuple(str(n) for n in data["class_names"].tolist())
        train_images = _npz_images(data, "images", path, resize, channels)
        train_labels = _npz_labels(data, "labels", path, len(train_images), len(names) if names else None)
        test_images = test_labels = None
        if "test_images" in data:
            test_images = _npz_images(data, "test_images", path, resize, train_images.shape[1])
            if test_images.shape[1:] != train_images.shape[1:]:
                raise DataError(f"{path}: test_images are {test_images.shape[1:]} but images are {train_images.shape[1:]} (C, H, W)")
            test_labels = _npz_labels(data, "test_labels", path, len(test_images), len(names) if names else None)
    if not len(train_images):
        raise DataError(f"{path}: images is empty")
    if names is None:
        top = max(int(train_labels.max()), int(test_labels.max()) if test_labels is not None and test_labels.size else 0)
        names = tuple(str(i) for i in range(top + 1))
    _check_classes(len(set(train_labels.tolist())), path)
    return LabelledImages(train_images, train_labels, test_images, test_labels, names, str(path))


def read_labelled(path: Path, *, resize: tuple[int, int] | None = None, channels: int | None = None) -> LabelledImages:
    """A folder tree or an ``.npz``, whichever ``path`` is."""
    if path.is_dir():
        return read_image_folder(path, resize=resize, channels=channels)
    if path.suffix == ".npz" and path.is_file():
        return read_npz(path, resize=resize, channels=channels)
    if not path.exists():
        raise DataError(f"{path} does not exist")
    raise DataError(f"{path} is neither a folder of class sub-folders nor an .npz file")
