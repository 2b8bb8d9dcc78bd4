"""The stream fan-out (rtl_templates/kernels/hwnas_duplicate.sv): every word to every branch in
order, two and three branches, one word a cycle at full pace, correct under gaps and random
back-pressure on every branch, and a branch slowed alone holding the others back by one register
only."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.rtl.kernel_harness import PACES, assert_full_rate, simulate_kernel_at_paces

pytestmark = pytest.mark.slow

WRAPPER = Path(__file__).resolve().parent / "hwnas_duplicate_ports.sv"
SLOW = (100, 35)  # inputs at full pace, the last branch ready 35% of cycles, the others always


@pytest.mark.parametrize("width,words,branches", [(6, 5, 2), (70, 7, 3)], ids=["two-branches", "three-wide"])
def test_duplicate_writes_every_word_to_every_branch(tmp_path, width, words, branches):
    rng = np.random.default_rng(branches)
    frames = 12
    data = [int(w) for w in rng.integers(0, 1 << min(width, 62), size=frames * words)]
    data[-1] = (1 << width) - 1  # every bit set, also above 64
    outputs = [f"out{b}" for b in range(branches)]
    slow = outputs[-1]
    runs = simulate_kernel_at_paces(
        tmp_path, "hwnas_duplicate_ports", dict(WIDTH=width, WORDS=words, BRANCHES=branches), {"in0": data},
        {o: len(data) for o in outputs}, paces=[*PACES, SLOW], extra_sources=("hwnas_duplicate",), sources=(WRAPPER,),
        out_ready={SLOW: {o: 35 if o == slow else 100 for o in outputs}},
    )
    for pace, run in runs.items():
        assert not run.deadlock, pace
        for o in outputs:
            assert run.outputs[o] == data, (pace, o)
    for o in outputs:
        assert_full_rate(runs[PACES[0]], o, len(data) - 1, slack=0)
    # each branch has its own register: word i leaves a fast branch at most a cycle after the slow
    # branch took word i - 1, not only once the slow branch takes word i
    run = runs[SLOW]
    late = run.cycles_at[slow]
    for o in outputs[:-1]:
        assert all(c <= late[i - 1] + 1 for i, c in enumerate(run.cycles_at[o]) if i), o
        assert sum(c < late[i] for i, c in enumerate(run.cycles_at[o])) > len(data) // 3, o
