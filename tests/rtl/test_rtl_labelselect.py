"""The top-1 label select (rtl_templates/kernels/hwnas_labelselect.sv) against FINN's LabelSelect,
ties included (the lowest index wins), for foldings 1, uneven and full, at full pace (LABELS / PE
cycles per frame) and under gaps and back-pressure."""

from __future__ import annotations

import numpy as np
import pytest

from hwnas.codegen.packing import pack_words
from tests.codegen.test_hls_kernels import finn_execute
from tests.rtl.kernel_harness import PACES, assert_full_rate, simulate_kernel_at_paces

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("pe,bits,signed", [(1, 8, True), (2, 8, True), (5, 3, False), (10, 8, True)],
                         ids=["pe1", "pe2", "pe5-uint3", "full"])
def test_label_select_matches_finn_including_ties(tmp_path, pe, bits, signed):
    rng = np.random.default_rng(pe)
    labels, frames = 10, 40
    lo, hi = (-4, 4) if signed else (0, 4)  # a small range: many ties
    x = rng.integers(lo, hi, size=(frames, labels))
    x[0] = 3  # all equal
    x[1] = lo  # all equal, at the type's minimum
    x[2, -1] = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1  # the type's maximum, last
    in_dt = f"INT{bits}" if signed else f"UINT{bits}"
    attrs = dict(Labels=labels, PE=pe, K=1, inputDataType=in_dt, outputDataType="UINT8")
    expected = np.array([finn_execute("LabelSelect", attrs, {"in": f[None]}, (1, 1)) for f in x]).ravel()
    assert expected[0] == expected[1] == 0 and expected[2] == labels - 1
    runs = simulate_kernel_at_paces(
        tmp_path, "hwnas_labelselect", dict(LABELS=labels, PE=pe, BITS=bits, SIGNED=int(signed), OUT_BITS=8),
        {"in0": pack_words(x.reshape(-1, pe), bits)}, {"out0": frames},
    )
    for pace, run in runs.items():
        assert not run.deadlock, pace
        np.testing.assert_array_equal(run.outputs["out0"], expected)
    # the input is the busy port: one word a cycle, so one index every LABELS / PE cycles
    assert_full_rate(runs[PACES[0]], "out0", (frames - 1) * labels // pe, slack=0)
