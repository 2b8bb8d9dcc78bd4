"""hwnas_swg against FINN's ConvolutionInputGenerator execution, on a subset of the HLS kernel's
cases (SIMD 1, uneven and full, stride 2 with an unused bottom row and column, dilation 2, the
window as large as the image, parallel windows with one and two channel words): frames back to
back under random gaps and back-pressure, and at full rate no slower than the HLS loop's schedule."""

from __future__ import annotations

import numpy as np
import pytest

from hwnas.hw.swg import swg_schedule as _swg_schedule
from tests.kernel_vectors import RTL, cases, vectors
from tests.rtl.kernel_harness import PACES, simulate_vectors

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("case_id", cases("swg", RTL))
def test_sliding_window_matches_finn(tmp_path, case_id):
    vec = vectors("swg", case_id)
    p = vec.p
    runs = simulate_vectors(tmp_path, "hwnas_swg", vec)

    # full rate: a frame (first output word to the next frame's first) takes no more cycles than the
    # HLS loop's iterations, and at least max(input words, output words)
    at = np.array(runs[PACES[0]].cycles_at["out0"])
    firsts = at[::p.out_words]
    periods = np.diff(firsts)
    schedule = _swg_schedule(p.ch // p.simd, p.ifm_h, p.ifm_w, p.ofm_h, p.ofm_w, p.k_h, p.k_w, p.stride, p.stride,
                             p.dil, p.dil, p.group)
    print(f"cycles per frame {periods.tolist()} in {p.in_words} out {p.out_words} HLS loop {schedule.iterations}")
    assert (periods >= max(p.in_words, p.out_words)).all()
    assert (periods <= schedule.iterations).all()
    # within a frame the output side never waits once the rows it needs are in: the words of one
    # frame go out in no more cycles than the HLS loop takes to write them
    hls_writes = schedule.writes[0]
    for f in range(vec.frames):
        frame = at[f * p.out_words:(f + 1) * p.out_words]
        assert frame[-1] - frame[0] <= hls_writes[-1] - hls_writes[0]
