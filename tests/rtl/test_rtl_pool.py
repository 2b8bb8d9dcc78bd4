"""hwnas_pool against FINN's Pool (MaxPool) execution: PE 1, full and uneven, binary and signed
4-bit data, frames back to back at full rate (one input word a cycle) and under random gaps and
back-pressure."""

from __future__ import annotations

import numpy as np
import pytest

from hwnas.codegen.packing import pack_words, unpack_words
from tests.codegen.test_hls_kernels import finn_execute
from tests.rtl.kernel_harness import PACES, simulate_kernel_at_paces

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "pe,bits,signed", [(1, 1, False), (6, 1, False), (2, 4, True)], ids=["pe1", "full", "int4-pe2"]
)
def test_max_pool_matches_finn(tmp_path, pe, bits, signed):
    rng = np.random.default_rng(pe + bits)
    ch, k2, pixels, frames = 6, 4, 5, 3
    lo, hi = (-(1 << (bits - 1)), 1 << (bits - 1)) if signed else (0, 1 << bits)
    x = rng.integers(lo, hi, size=(frames, pixels, k2 * ch))
    dt = f"INT{bits}" if signed else ("BINARY" if bits == 1 else f"UINT{bits}")
    attrs = dict(Channels=ch, PE=pe, KernelSize=[2, 2], Function="MaxPool", OutImgDims=[1, pixels],
                 InputDataType=dt, OutputDataType=dt)
    expected = np.array(
        [finn_execute("Pool", attrs, {"in": f.reshape(1, 1, pixels, k2 * ch)}, (1, 1, pixels, ch)) for f in x]
    )
    parameters = dict(CH=ch, PE=pe, K2=k2, NUM_PIXELS=pixels, BITS=bits, SIGNED=int(signed))
    cf = ch // pe
    runs = simulate_kernel_at_paces(
        tmp_path, "hwnas_pool", parameters, {"in0": pack_words(x.reshape(-1, pe), bits)},
        {"out0": frames * pixels * cf},
    )
    for pace in PACES:
        run = runs[pace]
        assert not run.deadlock, pace
        got = unpack_words(run.outputs["out0"], pe, bits, signed=signed)
        np.testing.assert_array_equal(got.reshape(expected.shape), expected, err_msg=str(pace))
    # full rate: one input word a cycle, so the outputs span all input words but the first pixel's
    # first K2 - 1 window positions
    at = runs[PACES[0]].cycles_at["out0"]
    assert at[-1] - at[0] == frames * pixels * k2 * cf - 1 - (k2 - 1) * cf
