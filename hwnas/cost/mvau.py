"""MVAU_hls cost, after finn-plus's ``MVAU`` / ``MVAU_hls`` estimates (FINN-R's LUT and BRAM models).

Weights live in internal_decoupled memory with ram_style "auto" (FINN's defaults), so they count as
BRAM18 and not as LUTRAM; thresholds with ram_style_thresholds "auto" add no LUTs in FINN's model.
"""

from __future__ import annotations

import math
from functools import lru_cache

from hwnas.cost.fold import NodeFold
from hwnas.cost.nodes import MVAU

# SetFolding's mvau_wwidth_max default: SIMD * weight bits per PE may not exceed it.
WEIGHT_WIDTH_MAX = 36
# finn.util.basic.MAX_ALLOWED_AP_INT_W: the HLS weight stream (PE * SIMD * weight bits) must fit an ap_int.
MAX_AP_INT_WIDTH = 8191


def legal(node: MVAU, fold: NodeFold) -> bool:
    return (
        node.mh % fold.pe == 0
        and node.mw % fold.simd == 0
        and fold.simd * node.weight_bits <= WEIGHT_WIDTH_MAX
        and fold.pe * fold.simd * node.weight_bits <= MAX_AP_INT_WIDTH
    )


def cycles(node: MVAU, fold: NodeFold) -> int:
    return (node.mh // fold.pe) * (node.mw // fold.simd) * node.vectors


@lru_cache(maxsize=65536)
def accumulator_bits(node: MVAU) -> int:
    """Accumulator width FINN's LUT model charges.

    FINN charges the smaller of the minimised accumulator type and the data-type bound of
    arXiv:2301.13376. MinimizeAccumulatorWidth sizes the accumulator from the trained weights: with
    unsigned inputs up to X_max, a column with p weights of +1 and n of -1 spans -n*X_max..p*X_max.
    A spec has no weights, so we take them as random signs: the most lopsided of the 2*MH column
    counts sits about sqrt(2 ln(2*MH)) standard deviations (sqrt(MW)/2) above MW/2.
    """
    in_max = 2**node.in_bits - 1
    spread = math.sqrt(2 * math.log(2 * node.mh)) * math.sqrt(node.mw) / 2
    worst_count = min(node.mw, round(node.mw / 2 + spread))
    weights_bits = math.ceil(math.log2(in_max * worst_count + 1)) + 1
    alpha = math.log2(node.mw) + node.weight_bits + node.in_bits - 1
    bound_bits = math.ceil(alpha + math.log2(1 + 2.0**-alpha) + 1)
    return min(weights_bits, bound_bits)


def lut(node: MVAU, fold: NodeFold) -> int:
    w, a, q = node.weight_bits, node.in_bits, fold.simd
    mult = q * (2 * math.ceil((w + a) / 6) - 1) * (w + a)
    adder_tree = (w + a) * (2 * q - 1)
    return int(300 + 1.1 * fold.pe * (mult + adder_tree + accumulator_bits(node)))


def lut_per_lane(weight_bits: int = 1, in_bits: int = 1) -> float:
    """LUTs one more SIMD lane of one PE costs in the model (multiplier plus two adder-tree inputs)."""
    w_a = weight_bits + in_bits
    return 1.1 * ((2 * math.ceil(w_a / 6) - 1) * w_a + 2 * w_a)


def bram18(node: MVAU, fold: NodeFold) -> int:
    """FINN-R's weight memory model: RAMB18 in simple dual-port mode, width/depth ladder."""
    depth = node.mw * node.mh / (fold.simd * fold.pe)
    width = fold.simd * fold.pe * node.weight_bits
    if width == 1:
        return math.ceil(depth / 16384)
    if width == 2:
        return math.ceil(depth / 8192)
    if width <= 4:
        return math.ceil(depth / 4096) * math.ceil(width / 4)
    if width <= 9:
        return math.ceil(depth / 2048) * math.ceil(width / 9)
    if width <= 18 or depth > 512:
        return math.ceil(depth / 1024) * math.ceil(width / 18)
    return math.ceil(depth / 512) * math.ceil(width / 36)
