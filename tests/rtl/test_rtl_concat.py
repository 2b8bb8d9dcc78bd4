"""The channel concatenation (rtl_templates/kernels/hwnas_concat.sv) against FINN's StreamingConcat,
two and three inputs of different types widened to one output type, at full pace (one output word
a cycle) and under gaps and back-pressure."""

from __future__ import annotations

import numpy as np
import pytest

from hwnas.codegen.packing import pack_words, unpack_words
from tests.codegen.test_hls_kernels import CONCAT_CASES, FINN_DOMAIN, finn_execute
from tests.rtl.kernel_harness import PACES, assert_full_rate, simulate_kernel_at_paces

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("simd,ins", [
    *CONCAT_CASES,
    pytest.param(1, [(3, "UINT2"), (1, "INT4"), (2, "UINT1")], id="three-inputs-simd1"),
    pytest.param(4, [(4, "UINT1"), (8, "INT2")], id="int2-binary-simd4"),
])
def test_concat_matches_finn(tmp_path, simd, ins):
    from onnx import helper
    from qonnx.core.datatype import DataType
    from qonnx.custom_op.registry import getCustomOp

    rng = np.random.default_rng(len(ins) * simd)
    vecs, frames = 5, 3
    attrs = dict(SIMD=simd, ChannelsPerStream=[c for c, _ in ins], inputDataTypes=[t for _, t in ins],
                 numInputVectors=[1, vecs])
    names = [f"in{k}" for k in range(len(ins))]
    node = helper.make_node("StreamingConcat", names, ["out"], domain=FINN_DOMAIN, **attrs)
    out_dt = getCustomOp(node).get_output_datatype()
    data = [rng.integers(DataType[t].min(), DataType[t].max() + 1, size=(frames, vecs, c)) for c, t in ins]
    channels = sum(c for c, _ in ins)
    expected = np.array([
        finn_execute("StreamingConcat", attrs, {n: d[f][None] for n, d in zip(names, data)}, (1, vecs, channels))[0]
        for f in range(frames)])
    parameters = dict(NUM_VECS=vecs, SIMD=simd, N_INPUTS=len(ins), OUT_BITS=out_dt.bitwidth(), C2=0, IN2_BITS=1,
                      IN2_SIGNED=0)
    words = {}
    for k, ((c, t), d) in enumerate(zip(ins, data)):
        parameters.update({f"C{k}": c, f"IN{k}_BITS": DataType[t].bitwidth(), f"IN{k}_SIGNED": int(DataType[t].signed())})
        words[f"in{k}"] = pack_words(d.reshape(-1, simd), DataType[t].bitwidth())
    out_words = frames * vecs * channels // simd
    runs = simulate_kernel_at_paces(tmp_path, "hwnas_concat", parameters, words, {"out0": out_words})
    for pace, run in runs.items():
        assert not run.deadlock, pace
        got = unpack_words(run.outputs["out0"], simd, out_dt.bitwidth(), signed=out_dt.signed())
        np.testing.assert_array_equal(got.reshape(expected.shape), expected)
    assert_full_rate(runs[PACES[0]], "out0", out_words - 1, slack=0)
