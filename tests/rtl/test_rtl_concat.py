"""The channel concatenation (rtl_templates/kernels/hwnas_concat.sv) against FINN's StreamingConcat,
two and three inputs of different types widened to one output type, at full pace (one output word
a cycle) and under gaps and back-pressure."""

from __future__ import annotations

import pytest

from tests.kernel_vectors import RTL, cases, vectors
from tests.rtl.kernel_harness import PACES, assert_full_rate, simulate_vectors

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("case_id", cases("concat", RTL))
def test_concat_matches_finn(tmp_path, case_id):
    vec = vectors("concat", case_id)
    runs = simulate_vectors(tmp_path, "hwnas_concat", vec)
    assert_full_rate(runs[PACES[0]], "out0", len(vec.expected_words["out0"]) - 1, slack=0)
