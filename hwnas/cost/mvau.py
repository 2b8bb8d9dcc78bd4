"""MVAU_hls cost, after finn-plus's ``MVAU`` / ``MVAU_hls`` estimates (FINN-R's LUT and BRAM models).

Weights live in internal_decoupled memory with ram_style "auto" (FINN's defaults), so they count as
BRAM18 and not as LUTRAM; thresholds with ram_style_thresholds "auto" add no LUTs in FINN's model.
Each formula exists twice: on one folding (the estimate) and on every legal folding at once as numpy
arrays (the optimiser's table); a test checks that the two agree entry by entry.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from hwnas.cost.fold import NodeFold, divisors
from hwnas.cost.table import NodeCost, Table
from hwnas.mvau_types import spec_accumulator

if TYPE_CHECKING:
    from hwnas.cost.nodes import MVAU

# SetFolding's mvau_wwidth_max default: SIMD * weight bits per PE may not exceed it.
WEIGHT_WIDTH_MAX = 36
# finn.util.basic.MAX_ALLOWED_AP_INT_W: the HLS weight stream (PE * SIMD * weight bits) must fit an ap_int.
MAX_AP_INT_WIDTH = 8191
_LUT_BASE, _LUT_SCALE = 300, 1.1  # FINN-R's fitted constants


@lru_cache(maxsize=65536)
def accumulator_bits(mw: int, in_bits: int, weight_bits: int) -> int:
    """Accumulator width FINN's LUT model charges: the smaller of the accumulator type
    (``spec_accumulator``) and the data-type bound of arXiv:2301.13376 (``MVAU_hls.lut_estimation``)."""
    alpha = math.log2(mw) + weight_bits + in_bits - 1
    bound_bits = math.ceil(alpha + math.log2(1 + 2.0**-alpha) + 1)
    return min(spec_accumulator(mw, in_bits)[1], bound_bits)


def legal(node: MVAU, fold: NodeFold) -> bool:
    """What a folding file may ask for: PE and SIMD divide the matrix (FINN builds the rest, and so
    does hwnas's accelerator, fully unfolded included). SetFolding's weight-width cap and FINN's
    largest HLS ap_int are search preferences, not legality: the optimiser's candidates keep to
    them (``table``, ``MVAU.candidate_folds``), and every command accepts the same files."""
    return node.mh % fold.pe == 0 and node.mw % fold.simd == 0


def evaluate(node: MVAU, fold: NodeFold) -> NodeCost:
    """(cycles per frame, LUT, BRAM18) of one folding, in one pass: the estimate's inner loop."""
    pe, simd = fold.pe, fold.simd
    lanes = pe * simd
    cycles = (node.mh // pe) * (node.mw // simd) * node.vectors
    lut = int(_LUT_BASE + _LUT_SCALE * (pe * _lut_per_pe(node, simd)))
    # FINN-R's weight memory model: RAMB18 in simple dual-port mode, width/depth ladder
    depth = node.mw * node.mh / lanes
    width = lanes * node.weight_bits
    if width == 1:
        bram = math.ceil(depth / 16384)
    elif width == 2:
        bram = math.ceil(depth / 8192)
    elif width <= 4:
        bram = math.ceil(depth / 4096) * math.ceil(width / 4)
    elif width <= 9:
        bram = math.ceil(depth / 2048) * math.ceil(width / 9)
    elif width <= 18 or depth > 512:
        bram = math.ceil(depth / 1024) * math.ceil(width / 18)
    else:
        bram = math.ceil(depth / 512) * math.ceil(width / 36)
    return NodeCost(cycles, lut, bram)


def _lut_per_pe(node: MVAU, simd):
    w_a = node.weight_bits + node.in_bits
    mult = simd * (2 * math.ceil(w_a / 6) - 1) * w_a
    adder_tree = w_a * (2 * simd - 1)
    return mult + adder_tree + node.acc_bits


def lut_per_lane(weight_bits: int = 1, in_bits: int = 1) -> float:
    """LUTs one more SIMD lane of one PE costs in the model (multiplier plus two adder-tree inputs)."""
    w_a = weight_bits + in_bits
    return _LUT_SCALE * ((2 * math.ceil(w_a / 6) - 1) * w_a + 2 * w_a)


def table(node: MVAU) -> Table:
    simds = np.array([s for s in divisors(node.mw) if s * node.weight_bits <= WEIGHT_WIDTH_MAX], dtype=np.int64)
    pes = np.array(divisors(node.mh), dtype=np.int64)
    pe, simd = (a.ravel() for a in np.meshgrid(pes, simds, indexing="ij"))
    keep = pe * simd * node.weight_bits <= MAX_AP_INT_WIDTH
    pe, simd = pe[keep], simd[keep]
    depth = node.mw * node.mh / (simd * pe)
    width = simd * pe * node.weight_bits
    bram = np.select(
        [width == 1, width == 2, width <= 4, width <= 9, (width <= 18) | (depth > 512)],
        [
            np.ceil(depth / 16384),
            np.ceil(depth / 8192),
            np.ceil(depth / 4096) * np.ceil(width / 4),
            np.ceil(depth / 2048) * np.ceil(width / 9),
            np.ceil(depth / 1024) * np.ceil(width / 18),
        ],
        np.ceil(depth / 512) * np.ceil(width / 36),
    )
    lut_values = np.floor(_LUT_BASE + _LUT_SCALE * (pe * _lut_per_pe(node, simd)))
    return Table(
        pe=pe,
        simd=simd,
        parallel_window=np.zeros(len(pe), dtype=bool),
        cycles=(node.mh // pe) * (node.mw // simd) * node.vectors,
        lut=lut_values.astype(np.int64),
        bram18=bram.astype(np.int64),
    )
