"""Where a dataset's files are found, in order, and the checksummed download that ends the search.

The order is: the user's ``--data-dir`` (the folder itself, then its sub-folder named after the
dataset), the standard folder of a system package (Debian's ``dataset-fashion-mnist``), the cache
folder, then a download from the canonical source into the cache. Every step that finds nothing is
remembered, so that when all fail one error says where hwnas looked and how to provide the files.

Paths and the download switch come in as values (the CLI reads ``--data-dir`` and ``HWNAS_CACHE``).
"""

from __future__ import annotations

import hashlib
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from hwnas.errors import UserError

DOWNLOAD_TIMEOUT_S = 30
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Locations:
    """The user's folders: ``data_dir`` is searched first, ``cache_dir`` holds downloads."""

    data_dir: Path | None = None
    cache_dir: Path | None = None
    download: bool = True


@dataclass(frozen=True)
class RemoteFile:
    """One published file and the MD5 its publisher gives for it."""

    url: str
    filename: str
    md5: str


@dataclass(frozen=True)
class Source:
    """How one dataset's files are recognised and where they come from."""

    name: str
    present: Callable[[Path], bool]  # does this folder hold the dataset in a readable form?
    expected: str  # what `present` looks for, in words
    remotes: tuple[RemoteFile, ...] = ()
    system_dirs: tuple[Path, ...] = ()
    homepage: str = ""


class DownloadError(UserError):
    """A download that could not finish or whose checksum did not match."""


def md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def download_file(url: str, dest: Path, *, md5: str, timeout_s: float = DOWNLOAD_TIMEOUT_S, progress: bool = True) -> Path:
    """Fetch ``url`` to ``dest`` and check its MD5; ``dest`` appears only when the check passes.

    A file already at ``dest`` with the right checksum is kept as it is.
    """
    if dest.is_file() and md5_of(dest) == md5:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".part")
    digest = hashlib.md5(usedforsecurity=False)
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response, open(partial, "wb") as out:
            total = response.headers.get("Content-Length")
            with _progress_bar(dest.name, int(total) if total else None, progress) as bar:
                for chunk in iter(lambda: response.read(_CHUNK), b""):
                    out.write(chunk)
                    digest.update(chunk)
                    bar.update(len(chunk))
    except OSError as exc:  # urllib's URLError/HTTPError, timeouts and resets are all OSErrors
        partial.unlink(missing_ok=True)
        raise DownloadError(f"download of {url} failed: {exc}") from None
    if digest.hexdigest() != md5:
        partial.unlink()
        raise DownloadError(f"download of {url} has MD5 {digest.hexdigest()}, expected {md5}; the file was discarded")
    os.replace(partial, dest)
    return dest


def _progress_bar(label: str, total: int | None, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit="B", unit_scale=True, disable=None if enabled else True, leave=False)


def locate(source: Source, locations: Locations, *, progress: bool = True) -> Path:
    """Return the first folder, in the documented order, that holds ``source``'s files."""
    looked: list[str] = []
    candidates: list[tuple[str, Path]] = []
    if locations.data_dir is not None:
        candidates += [("--data-dir", locations.data_dir), ("--data-dir", locations.data_dir / source.name)]
    candidates += [("system package folder", folder) for folder in source.system_dirs]
    cache = locations.cache_dir / source.name if locations.cache_dir is not None else None
    if cache is not None:
        candidates.append(("cache", cache))
    for label, folder in candidates:
        if source.present(folder):
            return folder
        looked.append(f"{label} {folder}: {'does not hold ' + source.expected if folder.is_dir() else 'no such folder'}")

    if not source.remotes:
        looked.append("download: this dataset has no canonical download")
    elif cache is None:
        looked.append("download: skipped, no cache folder to download into")
    elif not locations.download:
        looked.append("download: switched off (--no-download)")
    else:
        try:
            for remote in source.remotes:
                download_file(remote.url, cache / remote.filename, md5=remote.md5, progress=progress)
        except DownloadError as exc:
            looked.append(f"download: {exc}")
        else:
            if source.present(cache):
                return cache
            raise UserError(f"downloaded {source.name} into {cache} but cannot find {source.expected} there") from None

    provide = f"Put {source.expected} in a folder and pass --data-dir FOLDER"
    if source.homepage:
        provide += f" (the files are published at {source.homepage})"
    lines = "\n  ".join(looked)
    raise UserError(f"dataset {source.name!r} not found. Looked in:\n  {lines}\n{provide}.")
