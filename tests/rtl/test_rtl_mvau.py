"""The RTL MVAU (rtl_templates/kernels/hwnas_mvau.sv) against FINN's own execution of the MVAU node:
XNOR-popcount and quantised-input modes, thresholds and no activation, foldings 1, full and uneven,
several frames back to back, at full rate (one (nf, sf) step a cycle) and under random gaps and
back-pressure."""

from __future__ import annotations

import pytest

from tests.kernel_vectors import RTL, cases, vectors
from tests.rtl.kernel_harness import PACES, simulate_vectors

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("case_id", cases("mvau", RTL))
def test_rtl_mvau_matches_finn(tmp_path, case_id):
    vec = vectors("mvau", case_id)
    p = vec.p
    runs = simulate_vectors(tmp_path, "hwnas_mvau", vec)
    # full rate: one (nf, sf) step a cycle, frames back to back; the first output word comes after
    # its fold's SF steps, the last one after every step of every frame
    cycles_at = runs[PACES[0]].cycles_at["out0"]
    assert cycles_at[-1] - cycles_at[0] == vec.frames * p.vecs * p.nf * p.sf - p.sf
