"""Layer parameters in the layout the HLS kernels read: FINN's per-PE layout.

Output channel c of a layer with PE processing elements belongs to PE c % PE at neuron fold
c // PE (FINN's interleave_matrix_outer_dim_from_partitions). A weight word holds the SIMD weights
of one tile with input sf * SIMD + s in bit s, a set bit meaning +1.
"""

from __future__ import annotations

import numpy as np


def interleave_rows(matrix: np.ndarray, pe: int) -> np.ndarray:
    """(rows, ...) -> (pe, rows // pe, ...): row c goes to [c % pe, c // pe]."""
    rows = matrix.shape[0]
    if rows % pe:
        raise ValueError(f"PE={pe} does not divide {rows} rows")
    return matrix.reshape(rows // pe, pe, *matrix.shape[1:]).swapaxes(0, 1)


def bits_to_words(bits: np.ndarray) -> list[int]:
    """Pack the last axis of a 0/1 array into ints, element 0 in bit 0; rows flattened."""
    rows = bits.reshape(-1, bits.shape[-1]).astype(np.uint8)
    packed = np.packbits(rows, axis=-1, bitorder="little")
    return [int.from_bytes(row.tobytes(), "little") for row in packed]


def mvau_weight_words(weights: np.ndarray, *, pe: int, simd: int, bipolar: bool) -> np.ndarray:
    """Weights of shape (MW, MH) (ONNX MatMul layout) -> words of shape (PE, NF * SF).

    ``bipolar``: the values are -1/+1 (weightDataType BIPOLAR); otherwise they are already the
    0/1 encoding (BINARY weights of an XNOR-mode MVAU).
    """
    mw, mh = weights.shape
    if mw % simd:
        raise ValueError(f"SIMD={simd} does not divide MW={mw}")
    allowed = (-1, 1) if bipolar else (0, 1)
    if not np.isin(weights, allowed).all():
        raise ValueError(f"MVAU weights must take the values {allowed}")
    bits = (weights.T > 0).astype(np.uint8)  # (MH, MW)
    per_pe = interleave_rows(bits, pe)  # (PE, NF, MW)
    tiles = per_pe.reshape(pe, (mh // pe) * (mw // simd), simd)
    words = bits_to_words(tiles)
    return np.array(words, dtype=object).reshape(pe, -1)


def threshold_table(thresholds: np.ndarray, *, channels: int, pe: int) -> np.ndarray:
    """Thresholds of shape (channels or 1, steps) -> integer table (PE, channels // PE, steps)."""
    thresholds = np.asarray(thresholds)
    if thresholds.ndim != 2:
        raise ValueError(f"thresholds must be 2-D, got shape {thresholds.shape}")
    if thresholds.shape[0] == 1:
        thresholds = np.tile(thresholds, (channels, 1))
    if thresholds.shape[0] != channels:
        raise ValueError(f"{thresholds.shape[0]} threshold rows for {channels} channels")
    as_int = np.round(thresholds).astype(np.int64)
    if not (as_int == thresholds).all():
        raise ValueError("thresholds must be integers (run RoundAndClipThresholds)")
    return interleave_rows(as_int, pe)
