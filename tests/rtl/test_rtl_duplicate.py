"""The stream fan-out (rtl_templates/kernels/hwnas_duplicate.sv): every word to every branch in
order, two and three branches, one word a cycle at full pace, correct under gaps and random
back-pressure on every branch, and a branch slowed alone holding the others back by one register
only."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kernel_vectors import RTL, cases, vectors
from tests.rtl.kernel_harness import PACES, assert_full_rate, simulate_vectors

pytestmark = pytest.mark.slow

WRAPPER = Path(__file__).resolve().parent / "hwnas_duplicate_ports.sv"
SLOW = (100, 35)  # inputs at full pace, the last branch ready 35% of cycles, the others always


@pytest.mark.parametrize("case_id", cases("duplicate", RTL))
def test_duplicate_writes_every_word_to_every_branch(tmp_path, case_id):
    vec = vectors("duplicate", case_id)
    data = vec.inputs["in0"]
    outputs = list(vec.expected_words)
    slow = outputs[-1]
    # every branch gives the input words at every pace (simulate_vectors checks the expected words)
    runs = simulate_vectors(
        tmp_path, "hwnas_duplicate_ports", vec, paces=[*PACES, SLOW], extra_sources=("hwnas_duplicate",),
        sources=(WRAPPER,), out_ready={SLOW: {o: 35 if o == slow else 100 for o in outputs}},
    )
    for o in outputs:
        assert_full_rate(runs[PACES[0]], o, len(data) - 1, slack=0)
    # each branch has its own register: word i leaves a fast branch at most a cycle after the slow
    # branch took word i - 1, not only once the slow branch takes word i
    run = runs[SLOW]
    late = run.cycles_at[slow]
    for o in outputs[:-1]:
        assert all(c <= late[i - 1] + 1 for i, c in enumerate(run.cycles_at[o]) if i), o
        assert sum(c < late[i] for i, c in enumerate(run.cycles_at[o])) > len(data) // 3, o
