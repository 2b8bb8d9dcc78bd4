"""The RTL MVAU (rtl_templates/kernels/hwnas_mvau.sv) against FINN's own execution of the MVAU node:
XNOR-popcount and quantised-input modes, thresholds and no activation, foldings 1, full and uneven,
several frames back to back, at full rate (one (nf, sf) step a cycle) and under random gaps and
back-pressure."""

from __future__ import annotations

import numpy as np
import pytest

from hwnas.codegen.layers import signed_bits
from hwnas.codegen.packing import pack_words, unpack_words
from hwnas.codegen.params import mvau_weight_words, threshold_table
from hwnas.mvau_types import accumulator_range
from hwnas.rtl.memfiles import threshold_file, weight_file
from tests.codegen.test_hls_kernels import MVAU_CASES, finn_execute
from tests.rtl.kernel_harness import PACES, simulate_kernel_at_paces

pytestmark = pytest.mark.slow

CASES = [c for c in MVAU_CASES if c.id in {
    "xnor-pe1-simd1", "xnor-full", "xnor-odd", "xnor-simd-over-64-bits", "xnor-noactivation",
    "xnor-multithreshold", "uint8-pe4-simd9", "int4-noactivation",
}]


@pytest.mark.parametrize("mw,mh,pe,simd,vecs,mode,in_bits,signed,nt,out_bits,bias_kind", CASES)
def test_rtl_mvau_matches_finn(tmp_path, mw, mh, pe, simd, vecs, mode, in_bits, signed, nt, out_bits, bias_kind):
    rng = np.random.default_rng(mw * 1000 + mh * 10 + pe)
    xnor = mode == "xnor"
    frames = 6  # enough output words for the random back-pressure to fill the skid register often
    weights = rng.integers(0, 2, size=(mw, mh)) if xnor else rng.choice([-1, 1], size=(mw, mh))
    if xnor:
        x = rng.integers(0, 2, size=(frames, vecs, mw))
        in_dt, largest = "BINARY", 1
    else:
        lo, hi = (-(1 << (in_bits - 1)), 1 << (in_bits - 1)) if signed else (0, 1 << in_bits)
        x = rng.integers(lo, hi, size=(frames, vecs, mw))
        in_dt, largest = f"{'INT' if signed else 'UINT'}{in_bits}", max(-lo, hi - 1)
    acc_lo, acc_hi = accumulator_range(mw, xnor=xnor, largest_input=largest)
    acc_bits = signed_bits(acc_lo, acc_hi + 1)
    thr_range = (0, mw + 1) if xnor else (-mw * 40, mw * 40)
    thresholds = np.sort(rng.integers(*thr_range, size=(mh, max(nt, 1))), axis=1)
    out_dt = {"bipolar": "BIPOLAR", "actval": "INT3", "none": f"INT{out_bits}"}[bias_kind]
    act_val = -1 if bias_kind == "actval" else 0
    attrs = dict(
        MW=mw, MH=mh, PE=pe, SIMD=simd, inputDataType=in_dt, weightDataType="BINARY" if xnor else "BIPOLAR",
        outputDataType=out_dt, binaryXnorMode=int(xnor), noActivation=int(nt == 0), ActVal=act_val,
        numInputVectors=[vecs],
    )
    expected = []
    for frame in x:
        inputs = {"in": frame.reshape(1, vecs, mw), "w": weights}
        if nt:
            inputs["thr"] = thresholds
        expected.append(finn_execute("MVAU", attrs, inputs, (1, vecs, mh)).reshape(vecs, mh))
    expected = np.array(expected)
    if bias_kind == "bipolar":
        expected = (expected + 1) // 2  # the stream carries bipolar values as bits

    weight_path = tmp_path / "weights.dat"
    weight_path.write_text(weight_file(mvau_weight_words(weights, pe=pe, simd=simd, bipolar=not xnor), simd=simd))
    parameters = dict(
        MW=mw, MH=mh, PE=pe, SIMD=simd, NUM_VECS=vecs, IN_BITS=in_bits, IN_SIGNED=int(signed), XNOR=int(xnor),
        OUT_BITS=out_bits, ACC_BITS=acc_bits, NT=nt, BIAS=act_val, WEIGHT_FILE=str(weight_path.resolve()),
    )
    if nt:
        table = np.clip(threshold_table(thresholds, channels=mh, pe=pe), acc_lo, acc_hi + 1)
        threshold_path = tmp_path / "thresholds.dat"
        threshold_path.write_text(threshold_file(table, bits=acc_bits))
        parameters["THRESHOLD_FILE"] = str(threshold_path.resolve())
    words = pack_words(x.reshape(-1, simd), in_bits)
    out_words = frames * vecs * mh // pe
    runs = simulate_kernel_at_paces(tmp_path, "hwnas_mvau", parameters, {"in0": words}, {"out0": out_words})
    sf, nf = mw // simd, mh // pe
    for pace, run in runs.items():
        assert not run.deadlock, pace
        got = unpack_words(run.outputs["out0"], pe, out_bits, signed=bias_kind != "bipolar")
        np.testing.assert_array_equal(got.reshape(frames, vecs, mh), expected, err_msg=f"pace {pace}")
    # full rate: one (nf, sf) step a cycle, frames back to back; the first output word comes after
    # its fold's SF steps, the last one after every step of every frame
    cycles_at = runs[PACES[0]].cycles_at["out0"]
    assert cycles_at[-1] - cycles_at[0] == frames * vecs * nf * sf - sf
