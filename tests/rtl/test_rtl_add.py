"""The element-wise add (rtl_templates/kernels/hwnas_add.sv) against FINN's ElementwiseAdd, for the
HLS kernel test's type mixes (signed and unsigned) and foldings, at full pace (WORDS cycles per
frame) and under gaps and back-pressure."""

from __future__ import annotations

import numpy as np
import pytest

from hwnas.codegen.packing import pack_words, unpack_words
from tests.codegen.test_hls_kernels import ADD_CASES, finn_execute
from tests.rtl.kernel_harness import PACES, assert_full_rate, simulate_kernel_at_paces

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("pe,lhs_type,rhs_type", [*ADD_CASES, pytest.param(12, "UINT2", "INT3", id="uint2-int3-full")])
def test_elementwise_add_matches_finn(tmp_path, pe, lhs_type, rhs_type):
    from qonnx.core.datatype import DataType

    rng = np.random.default_rng(pe)
    vecs, channels, frames = 5, 12, 3
    lhs_dt, rhs_dt = DataType[lhs_type], DataType[rhs_type]
    lhs = rng.integers(lhs_dt.min(), lhs_dt.max() + 1, size=(frames, vecs, channels))
    rhs = rng.integers(rhs_dt.min(), rhs_dt.max() + 1, size=(frames, vecs, channels))
    lo, hi = lhs_dt.min() + rhs_dt.min(), lhs_dt.max() + rhs_dt.max()
    out_dt = DataType.get_smallest_possible(lo) if abs(lo) > hi else DataType.get_smallest_possible(-hi - 1)
    shape = [1, vecs, channels]
    attrs = dict(lhs_dtype=lhs_type, rhs_dtype=rhs_type, out_dtype=out_dt.name, lhs_shape=shape, rhs_shape=shape,
                 out_shape=shape, PE=pe)
    expected = np.array([finn_execute("ElementwiseAdd", attrs, {"lhs": a[None], "rhs": b[None]}, tuple(shape))[0]
                         for a, b in zip(lhs, rhs)])
    assert (expected < 0).any() or not (lhs_dt.signed() or rhs_dt.signed())
    words = vecs * channels // pe
    parameters = dict(PE=pe, WORDS=words, LHS_BITS=lhs_dt.bitwidth(), LHS_SIGNED=int(lhs_dt.signed()),
                      RHS_BITS=rhs_dt.bitwidth(), RHS_SIGNED=int(rhs_dt.signed()), OUT_BITS=out_dt.bitwidth())
    runs = simulate_kernel_at_paces(
        tmp_path, "hwnas_add", parameters,
        {"in0": pack_words(lhs.reshape(-1, pe), lhs_dt.bitwidth()), "in1": pack_words(rhs.reshape(-1, pe), rhs_dt.bitwidth())},
        {"out0": frames * words},
    )
    for pace, run in runs.items():
        assert not run.deadlock, pace
        got = unpack_words(run.outputs["out0"], pe, out_dt.bitwidth(), signed=True)
        np.testing.assert_array_equal(got.reshape(expected.shape), expected)
    assert_full_rate(runs[PACES[0]], "out0", frames * words - 1, slack=0)
