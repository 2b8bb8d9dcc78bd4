"""The width converter (rtl_templates/kernels/hwnas_dwc.sv) against dwc.hpp's behaviour: element
order kept for any widths whose frames agree (multiples and not, narrowing and widening),
max(in, out) words cycles per frame at full pace, correct under gaps and back-pressure."""

from __future__ import annotations

import numpy as np
import pytest

from hwnas.codegen.packing import pack_words, unpack_words
from tests.rtl.kernel_harness import PACES, assert_full_rate, simulate_kernel_at_paces

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "in_w,out_w,in_words",
    [(8, 24, 6), (24, 8, 2), (12, 8, 4), (8, 12, 3), (6, 4, 6), (4, 4, 3)],
    ids=["widen-x3", "narrow-x3", "narrow-12-8", "widen-8-12", "narrow-6-4", "same"],
)
def test_width_converter_keeps_element_order(tmp_path, in_w, out_w, in_words):
    rng = np.random.default_rng(in_w * out_w)
    frames = 8
    out_words = in_w * in_words // out_w
    elements = rng.integers(0, 4, size=(frames, in_w * in_words // 2))  # 2-bit elements
    words = pack_words(elements.reshape(-1, in_w // 2), 2)
    runs = simulate_kernel_at_paces(
        tmp_path, "hwnas_dwc", dict(IN_W=in_w, OUT_W=out_w, IN_WORDS=in_words), {"in0": words},
        {"out0": frames * out_words},
    )
    for pace, run in runs.items():
        assert not run.deadlock, pace
        got = unpack_words(run.outputs["out0"], out_w // 2, 2, signed=False).reshape(elements.shape)
        np.testing.assert_array_equal(got, elements)
    # one word a cycle on the busier side; the span runs from the first output word, which needs
    # the input words that fill it
    per_out = max(in_words, out_words) / out_words  # cycles per output word on average
    assert_full_rate(runs[PACES[0]], "out0", frames * max(in_words, out_words) - int(np.ceil(per_out)), slack=1)
