"""hwnas_fmpadding against FINN's FMPadding execution: uneven and full SIMD, asymmetric pads, frames
back to back at full rate (one output word a cycle) and under random gaps and back-pressure."""

from __future__ import annotations

import numpy as np
import pytest

from hwnas.codegen.packing import pack_words, unpack_words
from tests.codegen.test_hls_kernels import finn_execute
from tests.rtl.kernel_harness import PACES, simulate_kernel_at_paces

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "ch,h,w,pads,simd,bits",
    [
        pytest.param(4, 3, 5, (1, 1, 1, 1), 1, 2, id="simd1"),
        pytest.param(4, 3, 5, (2, 0, 1, 3), 2, 2, id="uneven-pads-simd2"),
        pytest.param(6, 4, 2, (0, 2, 3, 0), 6, 3, id="full-simd"),
    ],
)
def test_fmpadding_matches_finn(tmp_path, ch, h, w, pads, simd, bits):
    rng = np.random.default_rng(simd + bits)
    frames = 3
    top, left, bottom, right = pads
    x = rng.integers(1, 1 << bits, size=(frames, h, w, ch))  # no zeros: a padded word is told apart
    out_shape = (1, h + top + bottom, w + left + right, ch)
    attrs = dict(ImgDim=[h, w], Padding=[top, left, bottom, right], NumChannels=ch, SIMD=simd,
                 inputDataType=f"UINT{bits}")
    expected = np.array([finn_execute("FMPadding", attrs, {"in": f[None]}, out_shape) for f in x])
    parameters = dict(IN_H=h, IN_W=w, PAD_TOP=top, PAD_LEFT=left, PAD_BOTTOM=bottom, PAD_RIGHT=right, CH=ch,
                      SIMD=simd, BITS=bits)
    out_words = expected.size // simd
    runs = simulate_kernel_at_paces(
        tmp_path, "hwnas_fmpadding", parameters, {"in0": pack_words(x.reshape(-1, simd), bits)}, {"out0": out_words},
    )
    for pace in PACES:
        run = runs[pace]
        assert not run.deadlock, pace
        got = unpack_words(run.outputs["out0"], simd, bits, signed=False)
        np.testing.assert_array_equal(got.reshape(expected.shape), expected, err_msg=str(pace))
    # full rate: one output word a cycle, frames back to back
    at = runs[PACES[0]].cycles_at["out0"]
    assert at[-1] - at[0] == out_words - 1
