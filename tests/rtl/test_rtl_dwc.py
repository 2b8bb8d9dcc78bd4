"""The width converter (rtl_templates/kernels/hwnas_dwc.sv) against dwc.hpp's behaviour: element
order kept for any widths whose frames agree (multiples and not, narrowing and widening),
max(in, out) words cycles per frame at full pace, correct under gaps and back-pressure."""

from __future__ import annotations

import numpy as np
import pytest

from tests.kernel_vectors import RTL, cases, vectors
from tests.rtl.kernel_harness import PACES, assert_full_rate, simulate_vectors

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("case_id", cases("dwc", RTL))
def test_width_converter_keeps_element_order(tmp_path, case_id):
    vec = vectors("dwc", case_id)
    p = vec.p
    runs = simulate_vectors(tmp_path, "hwnas_dwc", vec)
    # one word a cycle on the busier side; the span runs from the first output word, which needs
    # the input words that fill it
    per_out = max(p.in_words, p.out_words) / p.out_words  # cycles per output word on average
    assert_full_rate(runs[PACES[0]], "out0", vec.frames * max(p.in_words, p.out_words) - int(np.ceil(per_out)), slack=1)
