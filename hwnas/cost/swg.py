"""ConvolutionInputGenerator_rtl cost, after finn-plus's RTL sliding-window unit.

FINN's default ram_style for this node is "distributed": the line buffer costs LUTs, no BRAM.
"""

from __future__ import annotations

import math

from hwnas.cost.fold import NodeFold
from hwnas.cost.nodes import SlidingWindow


def legal(node: SlidingWindow, fold: NodeFold) -> bool:
    if node.channels % fold.simd:
        return False
    if fold.parallel_window:
        # the parallel implementation needs the full channel width per input word (non-depthwise)
        return node.depthwise or fold.simd == node.channels
    return True


def _parallel(node: SlidingWindow, fold: NodeFold) -> bool:
    return fold.parallel_window or node.kernel == 1


def _buffer_depth(node: SlidingWindow, fold: NodeFold) -> int:
    k, (h, w), s = node.kernel, node.ifm, node.stride
    channel_fold = node.channels // fold.simd
    if _parallel(node, fold):
        return ((k - 1) * w + (k - 1)) * channel_fold + 2
    minimum = ((k - 1) * w + (k - 1) + 1) * channel_fold
    # extra room for strides above one lets the next rows preload
    return (
        minimum
        + max(0, ((s - 1) - k * k) * channel_fold)
        + max(0, ((s - 1) * w - k * k) * channel_fold)
    )


def cycles(node: SlidingWindow, fold: NodeFold) -> int:
    k, (h, w), (oh, ow), s = node.kernel, node.ifm, node.ofm, node.stride
    channel_fold = node.channels // fold.simd
    if _parallel(node, fold):
        return h * w * channel_fold + 2
    if h == 1 or w == 1:
        # 1D windows: FINN normalises to a 1 x N image
        length, out_length = max(h, w), max(oh, ow)
        if node.depthwise:
            out = out_length * k * channel_fold + (channel_fold - 1) * k
            inp = length * channel_fold + channel_fold * (k - 1) * (s - 1)
            return max(out, inp) + 2
        return out_length * k * channel_fold + 2
    buffer_min = ((k - 1) * w + (k - 1) + 1) * channel_fold
    write_block = ow * k * k * channel_fold
    read_block = s * w * channel_fold
    per_row = max(write_block, read_block)
    if node.depthwise:
        per_row += ow * (s - 1) * (channel_fold - 1)
    total = buffer_min + oh * per_row
    if node.depthwise:
        total += (s - 1) * w * channel_fold
    return int(total)


def lut(node: SlidingWindow, fold: NodeFold) -> int:
    width = fold.simd * node.in_bits
    return 300 + int(width * math.ceil(_buffer_depth(node, fold) / 38))
