"""The IDX format of MNIST and Fashion-MNIST: a big-endian header, then the raw array.

Header: two zero bytes, a type code (0x08 = unsigned byte), the number of dimensions, then one
big-endian uint32 per dimension. The published files are gzipped; Debian and many mirrors keep
them so, other copies are unpacked. Both are read.
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np

from hwnas.errors import UserError

_UBYTE = 0x08


def read_idx(path: Path) -> np.ndarray:
    """Read one IDX file of unsigned bytes (gzipped when its name ends in ``.gz``)."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as stream:
            data = stream.read()
    except (OSError, EOFError) as exc:
        raise UserError(f"cannot read {path}: {exc}; delete it so that it is fetched again") from None
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise UserError(f"{path} is not an IDX file (bad magic number); delete it so that it is fetched again")
    type_code, ndim = data[2], data[3]
    if type_code != _UBYTE:
        raise UserError(f"{path}: IDX type code 0x{type_code:02x} is not unsigned byte (0x08)")
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise UserError(f"{path}: IDX header truncated")
    dims = struct.unpack(f">{ndim}I", data[4:header_size])
    expected = int(np.prod(dims, dtype=np.int64))
    if len(data) - header_size != expected:
        raise UserError(
            f"{path}: IDX header says {'x'.join(map(str, dims))} = {expected} bytes of data, "
            f"file holds {len(data) - header_size}; the file is damaged, delete it so that it is fetched again"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header_size).reshape(dims)


def find_idx(folder: Path, stem: str) -> Path | None:
    """The IDX file named ``stem`` in ``folder``, gzipped or not, or None when neither is there."""
    for name in (f"{stem}.gz", stem):
        path = folder / name
        if path.is_file():
            return path
    return None
