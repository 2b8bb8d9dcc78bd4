"""The sliding-window unit (``ConvolutionInputGenerator_rtl``) and its cost, after finn-plus's RTL
sliding-window unit. A conv needs one in front unless it is a 1x1 stride-1 unpadded conv (lowered
straight to a MatMul); a max-pool reads a depthwise one.

FINN's default ram_style for this node is "distributed": the line buffer costs LUTs, no BRAM. The
formulas take the channel fold (channels / SIMD) as a number or a numpy array, so the estimate and
the optimiser's table share them.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from hwnas.hw.fold import NodeFold, divisors
from hwnas.hw.table import NodeCost, Table


class _Ops:
    """maximum/where for plain numbers (the estimate: no numpy overhead) or numpy arrays (the table)."""

    def __init__(self, maximum, where):
        self.maximum, self.where = maximum, where


_SCALAR = _Ops(max, lambda condition, a, b: a if condition else b)
_VECTOR = _Ops(np.maximum, np.where)
_LUT_BASE = 300
_LUTRAM_DEPTH = 38  # FINN's LUTRAM depth per bit of buffer width


def _buffer_depth(node: SlidingWindow, channel_fold, parallel, ops: _Ops):
    k, w, s = node.kernel, node.ifm[1], node.stride
    reach = (k - 1) * node.dilation  # how far the window's last tap lies from its first
    parallel_depth = (reach * w + reach) * channel_fold + 2
    # extra room for strides above one lets the next rows preload
    default_depth = (
        (reach * w + reach + 1) * channel_fold
        + ops.maximum(0, ((s - 1) - k * k) * channel_fold)
        + ops.maximum(0, ((s - 1) * w - k * k) * channel_fold)
    )
    return ops.where(parallel | (k == 1), parallel_depth, default_depth)


def _cycles(node: SlidingWindow, channel_fold, parallel, ops: _Ops):
    k, (h, w), (oh, ow), s = node.kernel, node.ifm, node.ofm, node.stride
    parallel_cycles = h * w * channel_fold + 2
    if h == 1 or w == 1:
        # 1D windows: FINN normalises to a 1 x N image
        length, out_length = max(h, w), max(oh, ow)
        if node.depthwise:
            out = out_length * k * channel_fold + (channel_fold - 1) * k
            inp = length * channel_fold + channel_fold * (k - 1) * (s - 1)
            default_cycles = ops.maximum(out, inp) + 2
        else:
            default_cycles = out_length * k * channel_fold + 2
    else:
        reach = (k - 1) * node.dilation
        buffer_min = (reach * w + reach + 1) * channel_fold
        per_row = ops.maximum(ow * k * k * channel_fold, s * w * channel_fold)
        if node.depthwise:
            per_row = per_row + ow * (s - 1) * (channel_fold - 1)
        default_cycles = buffer_min + oh * per_row
        if node.depthwise:
            default_cycles = default_cycles + (s - 1) * w * channel_fold
    return ops.where(parallel | (k == 1), parallel_cycles, default_cycles)


def _lut(node: SlidingWindow, simd, channel_fold, parallel, ops: _Ops):
    depth = _buffer_depth(node, channel_fold, parallel, ops)
    return _LUT_BASE + simd * node.in_bits * -(-depth // _LUTRAM_DEPTH)


def evaluate(node: SlidingWindow, fold: NodeFold) -> NodeCost:
    channel_fold = node.channels // fold.simd
    return NodeCost(
        _cycles(node, channel_fold, fold.parallel_window, _SCALAR),
        _lut(node, fold.simd, channel_fold, fold.parallel_window, _SCALAR),
        0,
    )


def table(node: SlidingWindow, *, allow_parallel: bool = True) -> Table:
    simds = divisors(node.channels)
    pairs = [(s, False) for s in simds]
    if allow_parallel:
        pairs += [(s, True) for s in simds if node.legal(NodeFold(1, s, True))]
    simd = np.array([p[0] for p in pairs], dtype=np.int64)
    parallel = np.array([p[1] for p in pairs], dtype=bool)
    channel_fold = node.channels // simd
    return Table(
        pe=np.ones(len(simd), dtype=np.int64),
        simd=simd,
        parallel_window=parallel,
        cycles=_cycles(node, channel_fold, parallel, _VECTOR).astype(np.int64),
        lut=_lut(node, simd, channel_fold, parallel, _VECTOR).astype(np.int64),
        bram18=np.zeros(len(simd), dtype=np.int64),
    )


class SlidingWindow(NamedTuple):
    name: str
    layer: int
    channels: int
    ifm: tuple[int, int]
    ofm: tuple[int, int]
    kernel: int
    stride: int
    in_bits: int
    depthwise: bool  # True in front of a Pool: its SIMD is the Pool's PE
    dilation: int = 1
    op_type: str = "ConvolutionInputGenerator_rtl"

    cost = evaluate
    table = table

    def legal(self, fold: NodeFold) -> bool:
        if fold.pe != 1 or self.channels % fold.simd:
            return False
        if fold.parallel_window:
            # the parallel implementation needs the full channel width per input word (non-depthwise)
            return self.depthwise or fold.simd == self.channels
        return True

    def candidate_folds(self) -> list[NodeFold]:
        return [NodeFold(1, simd, parallel) for parallel in (False, True) for simd in divisors(self.channels)]

    def finn_config(self, fold: NodeFold) -> dict:
        return {"SIMD": fold.simd, "parallel_window": int(fold.parallel_window)}

    def divided_dimensions(self) -> dict[str, tuple[str, int]]:
        return {"SIMD": ("IFMChannels", self.channels)}

    def describe(self) -> str:
        kind = "pool window" if self.depthwise else "window"
        return f"{self.channels}x{self.ifm[0]}x{self.ifm[1]} {kind} k{self.kernel} s{self.stride}"
