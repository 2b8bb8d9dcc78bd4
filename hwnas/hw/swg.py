"""The sliding-window unit (``ConvolutionInputGenerator_rtl``) and its cost, after finn-plus's RTL
sliding-window unit. A conv needs one in front unless it is a 1x1 stride-1 unpadded conv (lowered
straight to a MatMul); a max-pool reads a depthwise one.

FINN's default ram_style for this node is "distributed": the line buffer costs LUTs, no BRAM. The
formulas take the channel fold (channels / SIMD) as a number or a numpy array, so the estimate and
the optimiser's table share them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np

from hwnas.hw import tokens
from hwnas.hw.fold import NodeFold, divisors
from hwnas.hw.table import NodeCost, Table

KIND = "swg"  # the kernel the generated design calls for this node type (``hwnas.hw.KERNEL_MODULES``)


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

    def schedule_layer(self, fold: NodeFold) -> tuple[dict, int, int]:
        (ifm_h, ifm_w), (ofm_h, ofm_w) = self.ifm, self.ofm
        group = self.kernel * self.kernel if fold.parallel_window else 1
        layer = dict(
            kind=KIND, channels=self.channels, simd=fold.simd, ifm_h=ifm_h, ifm_w=ifm_w, ofm_h=ofm_h, ofm_w=ofm_w,
            k_h=self.kernel, k_w=self.kernel, s_h=self.stride, s_w=self.stride, d_h=self.dilation, d_w=self.dilation,
            parallel=fold.parallel_window,
        )
        return layer, fold.simd, fold.simd * group


NODE = SlidingWindow  # the node type this module holds (``hwnas.hw.node_classes``)


def schedule(layer: dict) -> tokens.Schedule:
    return swg_schedule(
        layer["channels"] // layer["simd"], layer["ifm_h"], layer["ifm_w"], layer["ofm_h"], layer["ofm_w"],
        layer["k_h"], layer["k_w"], layer["s_h"], layer["s_w"], layer["d_h"], layer["d_w"],
        layer["k_h"] * layer["k_w"] if layer["parallel"] else 1,
    )


@lru_cache(maxsize=1024)
def swg_schedule(cf, ifm_h, ifm_w, ofm_h, ofm_w, k_h, k_w, s_h, s_w, d_h, d_w, group) -> tokens.Schedule:
    """hwnas::sliding_window_grouped's loop (data-independent). Each iteration it writes the next
    group once the words that group ends on have been read (in an earlier iteration), and reads the
    next word once the output row in progress reaches the rows the word belongs to; both decisions
    come from the counters at the start of the iteration. Those are two chains of earliest times
    that wait for each other, solved here by sweeping both until nothing moves (one sweep per hand
    over between buffering rows and emitting them, not one per iteration);
    ``tests/sim/test_sim_schedules.py`` checks it against the loop written out counter for counter."""
    groups = k_h * k_w * cf // group
    row_words = ifm_w * cf
    rows = min((k_h - 1) * d_h + 1 + s_h, ifm_h)
    in_words, out_words = ifm_h * row_words, ofm_h * ofm_w * groups
    # the raster index of each group's last word, relative to its output pixel's top-left corner
    last = np.arange(groups) * group + group - 1
    last_offset = (last // (k_w * cf)) * d_h * row_words + ((last // cf) % k_w) * d_w * cf + last % cf
    k = np.arange(out_words, dtype=np.int64)
    pixel = k // groups
    needs = (pixel // ofm_w) * s_h * row_words + (pixel % ofm_w) * s_w * cf + last_offset[k % groups]
    row = np.arange(in_words, dtype=np.int64) // row_words
    # a word of input row r waits for output row (r - rows) // s_h + 1 to begin: for that many rows' writes
    waits = np.minimum(np.maximum((row - rows) // s_h + 1, 0), ofm_h) * (ofm_w * groups)
    waiting = waits > 0
    writes, reads = k.copy(), np.arange(in_words, dtype=np.int64)
    while True:
        new_writes = tokens.earliest(reads[needs] + 1)
        bound = np.zeros(in_words, dtype=np.int64)
        bound[waiting] = new_writes[waits[waiting] - 1] + 1
        new_reads = tokens.earliest(bound)
        if np.array_equal(new_writes, writes) and np.array_equal(new_reads, reads):
            break
        writes, reads = new_writes, new_reads
    iterations = int(max(writes[-1] if out_words else -1, reads[-1] if in_words else -1)) + 1
    return tokens.frozen(iterations, [reads], [writes])
