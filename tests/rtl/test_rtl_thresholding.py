"""The RTL Thresholding (rtl_templates/kernels/hwnas_thresholding.sv) against FINN's own execution of
the Thresholding node: foldings 1, uneven and full, signed and unsigned inputs, a signed output with
ActVal and a bipolar one, several frames back to back, at full rate (one word a cycle) and under
random gaps and back-pressure."""

from __future__ import annotations

import pytest

from tests.kernel_vectors import RTL, cases, vectors
from tests.rtl.kernel_harness import PACES, simulate_vectors

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("case_id", cases("thresholding", RTL))
def test_rtl_thresholding_matches_finn(tmp_path, case_id):
    vec = vectors("thresholding", case_id)
    runs = simulate_vectors(tmp_path, "hwnas_thresholding", vec)
    cycles_at = runs[PACES[0]].cycles_at["out0"]
    assert cycles_at[-1] - cycles_at[0] == len(vec.inputs["in0"]) - 1  # one word a cycle, frames back to back
