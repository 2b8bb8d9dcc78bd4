"""hwnas_fmpadding against FINN's FMPadding execution: uneven and full SIMD, asymmetric pads, frames
back to back at full rate (one output word a cycle) and under random gaps and back-pressure."""

from __future__ import annotations

import pytest

from tests.kernel_vectors import RTL, cases, vectors
from tests.rtl.kernel_harness import PACES, simulate_vectors

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("case_id", cases("fmpadding", RTL))
def test_fmpadding_matches_finn(tmp_path, case_id):
    vec = vectors("fmpadding", case_id)
    runs = simulate_vectors(tmp_path, "hwnas_fmpadding", vec)
    # full rate: one output word a cycle, frames back to back
    at = runs[PACES[0]].cycles_at["out0"]
    assert at[-1] - at[0] == len(vec.expected_words["out0"]) - 1
