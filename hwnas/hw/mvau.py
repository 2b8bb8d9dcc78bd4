"""The MVAU node (``MVAU_hls``) and its cost, after finn-plus's ``MVAU`` / ``MVAU_hls`` estimates
(FINN-R's LUT and BRAM models).

Every hidden conv/linear becomes an MVAU with embedded thresholds (XNOR-popcount mode when its input
is binary, quantised mode for an 8-bit input); the last linear is an MVAU without activation.
Specialisation for our binary nets always picks ``MVAU_hls``: the RTL MVAU needs >= 4-bit weights
and no thresholds.

Weights live in internal_decoupled memory with ram_style "auto" (FINN's defaults), so they count as
BRAM18 and not as LUTRAM; thresholds with ram_style_thresholds "auto" add no LUTs in FINN's model.
Each formula exists twice: on one folding (the estimate) and on every legal folding at once as numpy
arrays (the optimiser's table); a test checks that the two agree entry by entry.

The MVAU's data types that follow from the spec (weights and accumulators) are here too, one truth
for the three stages that need them: the cost model charges LUTs and BRAM for them, the lowering
(``hwnas.lower.spec_types``) sets them on FINN's nodes, and code generation
(``hwnas.codegen.layers``) sizes its C++ accumulators from them.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from hwnas.hw import tokens
from hwnas.hw.fold import NodeFold, divisors
from hwnas.hw.table import NodeCost, Table

KIND = "mvau"  # the kernel the generated design calls for this node type (``hwnas.hw.KERNEL_MODULES``)

# Bit widths after FINN's MinimizeWeightBitWidth: XNOR weights are stored as {0, 1} (BINARY);
# bipolar weights of a quantised-input MVAU become INT2 (the smallest type holding -1 and +1 that
# MinimizeWeightBitWidth picks).
XNOR_WEIGHT_BITS = 1
QUANT_WEIGHT_BITS = 2


def accumulator_range(mw: int, *, xnor: bool, largest_input: int) -> tuple[int, int]:
    """The values an MVAU with -1/+1 weights can accumulate, whatever the weights: an XNOR layer
    counts agreements, 0..MW; otherwise inputs up to ``largest_input`` in magnitude sum to
    -MW*X..MW*X. The lowering's types (``spec_accumulator``) and the generated C++
    (``hwnas.codegen.layers``) are both sized from it."""
    if xnor:
        return 0, mw
    return -mw * largest_input, mw * largest_input


def spec_accumulator(mw: int, in_bits: int) -> tuple[bool, int]:
    """(signed, bits) of the accumulator type hwnas's lowering gives an MVAU: a function of the spec.

    hwnas's weights are -1/+1, so the accumulator's range (``accumulator_range``) follows from MW and
    the input type alone: 1-bit inputs mean an XNOR layer, ``in_bits``-bit inputs are unsigned.
    FINN's MinimizeAccumulatorWidth would size it from the trained weights' column sums instead
    (narrower by a bit at most, and unknowable before training); the lowering sets this type in its
    place (``hwnas.lower.spec_types``), so the estimate here is the lowered graph's. The bit counts
    follow MinimizeAccumulatorWidth's formulas for a range.
    """
    lo, hi = accumulator_range(mw, xnor=in_bits == 1, largest_input=2**in_bits - 1)
    if lo >= 0:
        return False, max(1, math.ceil(math.log2(hi + 1)))
    return True, math.ceil(math.log2(max(-lo, hi + 1)) + 1)


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


class MVAU(NamedTuple):
    name: str
    layer: int
    mw: int  # input width (SIMD folds it)
    mh: int  # output channels (PE folds it)
    vectors: int  # input vectors per frame (output pixels for a conv)
    in_bits: int  # 1: binary input (XNOR mode), 8: quantised input
    weight_bits: int
    activation: bool  # embedded thresholds (False only for the last layer)
    acc_bits: int  # accumulator width FINN's LUT model charges (see accumulator_bits)
    op_type: str = "MVAU_hls"

    @property
    def xnor(self) -> bool:
        return self.in_bits == 1

    # each node type carries its own rules: legal, cost, table, candidate_folds, finn_config,
    # divided_dimensions and describe (hwnas.cost.node_cost, folding and the report call them)
    cost = evaluate
    table = table

    def legal(self, fold: NodeFold) -> bool:
        """What a folding file may ask for: PE and SIMD divide the matrix (FINN builds the rest, and
        so does hwnas's accelerator, fully unfolded included). SetFolding's weight-width cap and
        FINN's largest HLS ap_int are search preferences, not legality: the optimiser's candidates
        keep to them (``table``, ``candidate_folds``), and every command accepts the same files."""
        return not fold.parallel_window and self.mh % fold.pe == 0 and self.mw % fold.simd == 0

    def candidate_folds(self) -> list[NodeFold]:
        # the optimiser's candidates keep to SetFolding's weight-width cap and FINN's widest HLS
        # ap_int, as table() does
        return [NodeFold(pe, simd) for pe in divisors(self.mh) for simd in divisors(self.mw)
                if simd * self.weight_bits <= WEIGHT_WIDTH_MAX
                and pe * simd * self.weight_bits <= MAX_AP_INT_WIDTH]

    def finn_config(self, fold: NodeFold) -> dict:
        return {"PE": fold.pe, "SIMD": fold.simd}

    def divided_dimensions(self) -> dict[str, tuple[str, int]]:
        return {"PE": ("MH", self.mh), "SIMD": ("MW", self.mw)}

    def describe(self) -> str:
        mode = "xnor" if self.xnor else f"{self.in_bits}-bit in"
        return f"{self.mw}->{self.mh} x{self.vectors} ({mode})"

    def output_bits(self) -> int:
        """The element width of its output stream (``hwnas.cost.fifos``): bits after thresholds,
        else the accumulator."""
        return 1 if self.activation else self.acc_bits

    def schedule_layer(self, fold: NodeFold) -> tuple[dict, int, int]:
        layer = dict(kind=KIND, mw=self.mw, mh=self.mh, simd=fold.simd, pe=fold.pe, vectors=self.vectors)
        return layer, fold.simd, fold.pe


NODE = MVAU  # the node type this module holds (``hwnas.hw.node_classes``)


def mvau(layer: int, mw: int, mh: int, vectors: int, in_bits: int, *, activation: bool) -> MVAU:
    weight_bits = XNOR_WEIGHT_BITS if in_bits == 1 else QUANT_WEIGHT_BITS
    acc_bits = accumulator_bits(mw, in_bits, weight_bits)
    return MVAU("", layer, mw, mh, vectors, in_bits, weight_bits, activation, acc_bits)


def schedule(layer: dict) -> tokens.Schedule:
    """hwnas::mvau: NUM_VECS * NF * SF iterations; reads during the first neuron fold of each
    vector, writes after the last synapse fold of each neuron fold."""
    sf, nf = layer["mw"] // layer["simd"], layer["mh"] // layer["pe"]
    iterations = layer["vectors"] * nf * sf
    # built from the words, not from every iteration: unfolded layers run millions of them
    reads = (np.arange(layer["vectors"], dtype=np.int64)[:, None] * (nf * sf) + np.arange(sf)[None, :]).ravel()
    return tokens.frozen(iterations, [reads], [np.arange(sf - 1, iterations, sf, dtype=np.int64)])
