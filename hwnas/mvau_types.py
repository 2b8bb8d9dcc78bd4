"""The data types of an MVAU that follow from the spec: weights and accumulators.

One truth for the three stages that need them: the cost model (``hwnas.cost``) charges LUTs and
BRAM for them, the lowering (``hwnas.lower.spec_types``) sets them on FINN's nodes, and code
generation (``hwnas.codegen.layers``) sizes its C++ accumulators from them.
"""

from __future__ import annotations

import math

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
