"""The RTL Thresholding (rtl_templates/kernels/hwnas_thresholding.sv) against FINN's own execution of
the Thresholding node: foldings 1, uneven and full, signed and unsigned inputs, a signed output with
ActVal and a bipolar one, several frames back to back, at full rate (one word a cycle) and under
random gaps and back-pressure."""

from __future__ import annotations

import numpy as np
import pytest

from hwnas.codegen.layers import signed_bits
from hwnas.codegen.packing import pack_words, unpack_words
from hwnas.codegen.params import threshold_table
from hwnas.rtl.memfiles import threshold_file
from tests.codegen.test_hls_kernels import finn_execute
from tests.rtl.kernel_harness import PACES, simulate_kernel_at_paces

pytestmark = pytest.mark.slow

CASES = [
    # (channels, pe, vecs, in type, steps, out type, ActVal)
    pytest.param(6, 1, 5, "INT8", 3, "UINT2", 0, id="int8-pe1"),
    pytest.param(6, 2, 5, "INT8", 3, "UINT2", 0, id="int8-pe2"),
    pytest.param(6, 6, 5, "INT8", 3, "UINT2", 0, id="int8-full"),
    pytest.param(12, 4, 3, "UINT4", 7, "INT3", -4, id="uint4-actval"),
    pytest.param(10, 5, 4, "INT3", 1, "BIPOLAR", 0, id="int3-bipolar"),
]


@pytest.mark.parametrize("channels,pe,vecs,in_type,nt,out_type,act_val", CASES)
def test_rtl_thresholding_matches_finn(tmp_path, channels, pe, vecs, in_type, nt, out_type, act_val):
    from qonnx.core.datatype import DataType

    rng = np.random.default_rng(channels * 10 + pe)
    frames = 6
    in_dt, out_dt = DataType[in_type], DataType[out_type]
    lo, hi = int(in_dt.min()), int(in_dt.max())
    x = rng.integers(lo, hi + 1, size=(frames, vecs, channels))
    # thresholds a little beyond the input range too: clipped like codegen/layers.py does
    thresholds = np.sort(rng.integers(lo - 2, hi + 3, size=(channels, nt)), axis=1)
    attrs = dict(
        NumChannels=channels, PE=pe, numSteps=nt, inputDataType=in_type, weightDataType=in_type,
        outputDataType=out_type, ActVal=act_val, numInputVectors=[vecs],
    )
    expected = np.array(
        [finn_execute("Thresholding", attrs, {"in": f[None], "thr": thresholds}, (1, vecs, channels))[0] for f in x]
    )
    if out_type == "BIPOLAR":
        expected = (expected + 1) // 2  # the stream carries bipolar values as bits
    out_bits = out_dt.bitwidth()

    thr_bits = signed_bits(lo, hi + 1)
    table = np.clip(threshold_table(thresholds, channels=channels, pe=pe), lo, hi + 1)
    threshold_path = tmp_path / "thresholds.dat"
    threshold_path.write_text(threshold_file(table, bits=thr_bits))
    parameters = dict(
        CHANNELS=channels, PE=pe, NUM_VECS=vecs, IN_BITS=in_dt.bitwidth(), IN_SIGNED=int(in_dt.signed()), NT=nt,
        OUT_BITS=out_bits, BIAS=act_val, THR_BITS=thr_bits, THRESHOLD_FILE=str(threshold_path.resolve()),
    )
    words = pack_words(x.reshape(-1, pe), in_dt.bitwidth())
    runs = simulate_kernel_at_paces(
        tmp_path, "hwnas_thresholding", parameters, {"in0": words}, {"out0": len(words)},
    )
    for pace, run in runs.items():
        assert not run.deadlock, pace
        got = unpack_words(run.outputs["out0"], pe, out_bits, signed=out_dt.signed() and out_type != "BIPOLAR")
        np.testing.assert_array_equal(got.reshape(expected.shape), expected, err_msg=f"pace {pace}")
    cycles_at = runs[PACES[0]].cycles_at["out0"]
    assert cycles_at[-1] - cycles_at[0] == len(words) - 1  # one word a cycle, frames back to back
