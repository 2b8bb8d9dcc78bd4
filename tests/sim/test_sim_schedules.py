"""The schedules solved without a loop over iterations against their kernels' loops written out
counter for counter: the sliding window (hls_templates/kernels/swg.hpp, sliding_window_grouped;
plain, strided, dilated, parallel and depthwise-pool windows) and the width converter (dwc.hpp,
splitting and merging): every read and write in the same iteration."""

from __future__ import annotations

import numpy as np
import pytest

from hwnas.hw.dwc import dwc_schedule as _dwc_schedule
from hwnas.hw.swg import swg_schedule as _swg_schedule


def _loop(cf, ifm_h, ifm_w, ofm_h, ofm_w, k_h, k_w, s_h, s_w, d_h, d_w, group):
    groups = k_h * k_w * cf // group
    row_words = ifm_w * cf
    rows = min((k_h - 1) * d_h + 1 + s_h, ifm_h)
    in_words, out_words = ifm_h * row_words, ofm_h * ofm_w * groups
    last = np.arange(groups) * group + group - 1
    last_offset = ((last // (k_w * cf)) * d_h * row_words + ((last // cf) % k_w) * d_w * cf + last % cf).tolist()
    reads, writes = [], []
    read = read_row = read_col = written = oy = ox = g = i = 0
    corner = 0
    while written < out_words or read < in_words:
        can_read = read < in_words and read_row < oy * s_h + rows
        if written < out_words and read > corner + last_offset[g]:
            writes.append(i)
            written += 1
            g += 1
            if g == groups:
                g = 0
                ox += 1
                if ox == ofm_w:
                    ox = 0
                    oy += 1
                corner = oy * s_h * row_words + ox * s_w * cf
        if can_read:
            reads.append(i)
            read += 1
            read_col += 1
            if read_col == row_words:
                read_col = 0
                read_row += 1
        i += 1
    return i, reads, writes


def _window(cf, ifm, k, s, d=1, pad=0, group=1):
    ofm = (ifm + 2 * pad - (k - 1) * d - 1) // s + 1
    ifm_p = ifm + 2 * pad
    return (cf, ifm_p, ifm_p, ofm, ofm, k, k, s, s, d, d, group)


CASES = [
    _window(1, 32, 3, 1), _window(4, 30, 3, 1), _window(2, 28, 2, 2), _window(8, 10, 2, 2),
    _window(3, 12, 3, 1, d=2), _window(2, 9, 3, 2), _window(1, 5, 3, 1, group=9), _window(2, 14, 3, 1, group=9),
    _window(4, 3, 3, 1), _window(1, 7, 5, 1), _window(2, 11, 3, 3), _window(1, 6, 3, 1, d=2, group=9),
]


@pytest.mark.parametrize("params", CASES, ids=str)
def test_swg_schedule_is_the_kernels_loop(params):
    _assert_same(_swg_schedule(*params), _loop(*params))


def _assert_same(solved, looped):
    iterations, reads, writes = looped
    assert solved.iterations == iterations
    assert np.array_equal(solved.reads[0], reads)
    assert np.array_equal(solved.writes[0], writes)


def _converter_loop(in_width, out_width, in_words):
    out_words = in_width * in_words // out_width
    reads, writes = [], []
    fill = read = written = i = 0
    while written < out_words:
        if read < in_words and fill < out_width:
            reads.append(i)
            fill += in_width
            read += 1
        if fill >= out_width:
            writes.append(i)
            fill -= out_width
            written += 1
        i += 1
    return i, reads, writes


@pytest.mark.parametrize("params", [(72, 8, 64), (6, 4, 10), (8, 8, 5), (4, 6, 9), (1, 32, 64), (32, 1, 3), (24, 16, 8), (16, 24, 12)], ids=str)
def test_width_converter_schedule_is_the_kernels_loop(params):
    _assert_same(_dwc_schedule(*params), _converter_loop(*params))
