"""The $readmemh files of the RTL kernels' tables (rtl_templates/README.md gives the layouts)."""

from __future__ import annotations

import numpy as np


def hex_lines(words, bits: int) -> str:
    """One zero-padded hex word a line, each ``bits`` wide."""
    digits = max(1, (bits + 3) // 4)
    return "".join(f"{int(w):0{digits}x}\n" for w in words)


def weight_file(weight_words: np.ndarray, *, simd: int) -> str:
    """MVAU weights, words (PE, NF*SF) of SIMD bits as codegen.params.mvau_weight_words gives them ->
    NF*SF lines of PE*SIMD bits, PE p in bits [p*SIMD +: SIMD]."""
    pe, tiles = weight_words.shape
    lines = []
    for tile in range(tiles):
        word = 0
        for p in range(pe):
            word |= int(weight_words[p, tile]) << (p * simd)
        lines.append(word)
    return hex_lines(lines, pe * simd)


def threshold_file(table: np.ndarray, *, bits: int) -> str:
    """Thresholds (PE, NF, NT) as codegen.params.threshold_table gives them -> NF lines of
    PE*NT*bits bits, threshold t of PE p in bits [(p*NT+t)*bits +: bits], two's complement."""
    pe, nf, nt = table.shape
    mask = (1 << bits) - 1
    lines = []
    for fold in range(nf):
        word = 0
        for p in range(pe):
            for t in range(nt):
                value = int(table[p, fold, t])
                if not -(1 << (bits - 1)) <= value < (1 << (bits - 1)):
                    raise ValueError(f"threshold {value} does not fit {bits} signed bits")
                word |= (value & mask) << ((p * nt + t) * bits)
        lines.append(word)
    return hex_lines(lines, pe * nt * bits)
