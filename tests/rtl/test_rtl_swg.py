"""hwnas_swg against FINN's ConvolutionInputGenerator execution, on a subset of the HLS kernel's
cases (SIMD 1, uneven and full, stride 2 with an unused bottom row and column, dilation 2, the
window as large as the image, parallel windows with one and two channel words): frames back to
back under random gaps and back-pressure, and at full rate no slower than the HLS loop's schedule."""

from __future__ import annotations

import numpy as np
import pytest

from hwnas.codegen.packing import pack_words, unpack_words
from hwnas.sim.schedules import _swg_schedule
from tests.codegen.test_hls_kernels import SWG_CASES, finn_execute
from tests.rtl.kernel_harness import PACES, simulate_kernel_at_paces

pytestmark = pytest.mark.slow

CASES = [
    case for case in SWG_CASES
    if case.id in {
        "k3s1-simd1", "k3s1-simd2", "k3s2-uint8-unused-edge", "k2x3-dilation2", "window-is-image",
        "parallel-k3s1", "parallel-k2x3-dilation2", "parallel-depthwise-simd3",
    }
]
FRAMES = 3


@pytest.mark.parametrize("ch,ifm_h,ifm_w,k_h,k_w,stride,dil,simd,bits,parallel", CASES)
def test_sliding_window_matches_finn(tmp_path, ch, ifm_h, ifm_w, k_h, k_w, stride, dil, simd, bits, parallel):
    rng = np.random.default_rng(ch * ifm_h + k_w)
    ofm_h = (ifm_h - (k_h - 1) * dil - 1) // stride + 1
    ofm_w = (ifm_w - (k_w - 1) * dil - 1) // stride + 1
    x = rng.integers(0, 1 << bits, size=(FRAMES, ifm_h, ifm_w, ch))
    attrs = dict(
        ConvKernelDim=[k_h, k_w], IFMChannels=ch, IFMDim=[ifm_h, ifm_w], OFMDim=[ofm_h, ofm_w], SIMD=simd,
        Stride=[stride, stride], Dilation=[dil, dil], inputDataType=f"UINT{bits}", outputDataType=f"UINT{bits}",
    )
    out_shape = (1, ofm_h, ofm_w, k_h * k_w * ch)
    expected = np.array([finn_execute("ConvolutionInputGenerator", attrs, {"in": f[None]}, out_shape) for f in x])
    group = k_h * k_w if parallel else 1
    parameters = dict(
        CH=ch, IFM_H=ifm_h, IFM_W=ifm_w, OFM_H=ofm_h, OFM_W=ofm_w, K_H=k_h, K_W=k_w, STRIDE_H=stride,
        STRIDE_W=stride, DIL_H=dil, DIL_W=dil, SIMD=simd, BITS=bits, GROUP=group,
    )
    out_elements = group * simd
    out_words = ofm_h * ofm_w * k_h * k_w * ch // out_elements  # per frame
    in_words = ifm_h * ifm_w * ch // simd
    runs = simulate_kernel_at_paces(
        tmp_path, "hwnas_swg", parameters, {"in0": pack_words(x.reshape(-1, simd), bits)},
        {"out0": FRAMES * out_words},
    )
    for pace in PACES:
        run = runs[pace]
        assert not run.deadlock, pace
        got = unpack_words(run.outputs["out0"], out_elements, bits, signed=False)
        np.testing.assert_array_equal(got.reshape(expected.shape), expected, err_msg=str(pace))

    # full rate: a frame (first output word to the next frame's first) takes no more cycles than the
    # HLS loop's iterations, and at least max(input words, output words)
    at = np.array(runs[PACES[0]].cycles_at["out0"])
    firsts = at[::out_words]
    periods = np.diff(firsts)
    cf = ch // simd
    hls = _swg_schedule(cf, ifm_h, ifm_w, ofm_h, ofm_w, k_h, k_w, stride, stride, dil, dil, group).iterations
    print(f"cycles per frame {periods.tolist()} in {in_words} out {out_words} HLS loop {hls}")
    assert (periods >= max(in_words, out_words)).all()
    assert (periods <= hls).all()
    # within a frame the output side never waits once the rows it needs are in: the words of one
    # frame go out in no more cycles than the HLS loop takes to write them
    hls_writes = _swg_schedule(cf, ifm_h, ifm_w, ofm_h, ofm_w, k_h, k_w, stride, stride, dil, dil, group).writes[0]
    for f in range(FRAMES):
        frame = at[f * out_words:(f + 1) * out_words]
        assert frame[-1] - frame[0] <= hls_writes[-1] - hls_writes[0]
