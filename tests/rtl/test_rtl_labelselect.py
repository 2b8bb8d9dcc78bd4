"""The top-1 label select (rtl_templates/kernels/hwnas_labelselect.sv) against FINN's LabelSelect,
ties included (the lowest index wins), for foldings 1, uneven and full, at full pace (LABELS / PE
cycles per frame) and under gaps and back-pressure."""

from __future__ import annotations

import pytest

from tests.kernel_vectors import RTL, cases, vectors
from tests.rtl.kernel_harness import PACES, assert_full_rate, simulate_vectors

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("case_id", cases("labelselect", RTL))
def test_label_select_matches_finn_including_ties(tmp_path, case_id):
    vec = vectors("labelselect", case_id)
    expected = vec.expected["out0"]
    assert expected[0] == expected[1] == 0 and expected[2] == vec.p.labels - 1
    runs = simulate_vectors(tmp_path, "hwnas_labelselect", vec)
    # the input is the busy port: one word a cycle, so one index every LABELS / PE cycles
    assert_full_rate(runs[PACES[0]], "out0", (vec.frames - 1) * vec.p.labels // vec.p.pe, slack=0)
