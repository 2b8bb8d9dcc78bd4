"""The element-wise add (rtl_templates/kernels/hwnas_add.sv) against FINN's ElementwiseAdd, for the
HLS kernel test's type mixes (signed and unsigned) and foldings, at full pace (WORDS cycles per
frame) and under gaps and back-pressure."""

from __future__ import annotations

import pytest

from tests.kernel_vectors import RTL, cases, vectors
from tests.rtl.kernel_harness import PACES, assert_full_rate, simulate_vectors

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("case_id", cases("add", RTL))
def test_elementwise_add_matches_finn(tmp_path, case_id):
    vec = vectors("add", case_id)
    runs = simulate_vectors(tmp_path, "hwnas_add", vec)
    assert_full_rate(runs[PACES[0]], "out0", vec.frames * vec.p.words - 1, slack=0)
