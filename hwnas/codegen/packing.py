"""Pack integer arrays into stream words and back, as FINN packs them: element 0 in the least
significant bits, negative values in two's complement, bipolar values as bits (1 = +1)."""

from __future__ import annotations

import numpy as np


def pack_words(values: np.ndarray, bits: int) -> list[int]:
    """Pack the innermost axis of an integer array into one unsigned int per row."""
    values = np.asarray(values)
    rows = values.reshape(-1, values.shape[-1]).astype(np.int64) & ((1 << bits) - 1)
    words = []
    for row in rows:
        word = 0
        for i, v in enumerate(row.tolist()):
            word |= v << (i * bits)
        words.append(word)
    return words


def unpack_words(words: list[int], elements: int, bits: int, *, signed: bool) -> np.ndarray:
    """Inverse of pack_words: shape (len(words), elements)."""
    mask = (1 << bits) - 1
    out = np.empty((len(words), elements), dtype=np.int64)
    for r, word in enumerate(words):
        for i in range(elements):
            v = (word >> (i * bits)) & mask
            if signed and v >> (bits - 1):
                v -= 1 << bits
            out[r, i] = v
    return out


def bipolar_to_bits(values: np.ndarray) -> np.ndarray:
    """-1/+1 to 0/1, the hardware encoding of bipolar values."""
    values = np.asarray(values)
    if not np.isin(values, (-1, 1)).all():
        raise ValueError("bipolar values must be -1 or +1")
    return ((values + 1) // 2).astype(np.int64)


def hex_word(word: int) -> str:
    """A word as ap_uint reads it: always with the 0x prefix (a bare leading 0b/0d would be taken
    as a radix prefix)."""
    return f"0x{word:x}"
