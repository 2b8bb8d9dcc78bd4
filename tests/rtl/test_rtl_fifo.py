"""The stream FIFO: order kept under random gaps and back-pressure, never more than DEPTH words
held, full rate when neither side stalls, and its peak occupancy reported."""

from __future__ import annotations

import numpy as np
import pytest

from tests.rtl.kernel_harness import PACES, simulate_kernel

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("depth", [2, 5, 64])
@pytest.mark.parametrize("in_pct,out_pct", PACES)
def test_fifo_keeps_order_and_bounds_occupancy(tmp_path, depth, in_pct, out_pct):
    rng = np.random.default_rng(depth)
    words = [int(w) for w in rng.integers(0, 1 << 62, size=300)] + [(1 << 69) + 5]
    run = simulate_kernel(
        tmp_path, "hwnas_fifo", dict(WIDTH=70, DEPTH=depth), {"in0": words}, {"out0": len(words)},
        in_valid_pct=in_pct, out_ready_pct=out_pct,
    )
    assert not run.deadlock
    assert run.outputs["out0"] == words
    (peak, reported_depth), = run.fifo_peaks.values()
    assert reported_depth == depth and 1 <= peak <= depth
    if (in_pct, out_pct) == (100, 100):
        # one word a cycle through the FIFO once it is primed
        assert run.cycles_at["out0"][-1] - run.cycles_at["out0"][0] == len(words) - 1
    else:
        # a slow reader fills it
        assert peak == depth
