"""hwnas_pool against FINN's Pool (MaxPool) execution: PE 1, full and uneven, binary and signed
4-bit data, frames back to back at full rate (one input word a cycle) and under random gaps and
back-pressure."""

from __future__ import annotations

import pytest

from tests.kernel_vectors import RTL, cases, vectors
from tests.rtl.kernel_harness import PACES, simulate_vectors

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("case_id", cases("pool", RTL))
def test_max_pool_matches_finn(tmp_path, case_id):
    vec = vectors("pool", case_id)
    p = vec.p
    runs = simulate_vectors(tmp_path, "hwnas_pool", vec)
    assert len(vec.expected_words["out0"]) == vec.frames * p.pixels * p.cf
    # full rate: one input word a cycle, so the outputs span all input words but the first pixel's
    # first K2 - 1 window positions
    at = runs[PACES[0]].cycles_at["out0"]
    assert at[-1] - at[0] == vec.frames * p.pixels * p.k2 * p.cf - 1 - (p.k2 - 1) * p.cf
