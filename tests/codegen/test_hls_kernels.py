"""Each HLS kernel in hls_templates/kernels, compiled with g++ and run against FINN's own Python
execution of the matching hardware node, across foldings (1, full, uneven divisors) and odd shapes.
The cases and their vectors (inputs, FINN's outputs, tables, words) are tests/kernel_vectors.py's,
the same words the RTL kernels' tests (tests/rtl) feed and expect."""

from __future__ import annotations

import numpy as np
import pytest

from hwnas.codegen.packing import unpack_words
from hwnas.codegen.params import mvau_weight_words
from tests.codegen.hls_harness import run_vectors
from tests.kernel_vectors import FINN_DOMAIN, HLS, assert_outputs, kernel_cases, vectors

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("kind,case_id", kernel_cases(HLS))
def test_kernel_matches_finn(hls_runner, kind, case_id):
    """The kind's harness (tests/codegen/csim_harness/<kind>.cpp) on the case's vectors gives the
    expected words, every output port's words of every frame and no more."""
    vec = vectors(kind, case_id)
    assert_outputs(vec, run_vectors(hls_runner, kind, vec))


def test_weight_layout_is_finns():
    """Our weight words hold exactly FINN's get_hw_compatible_weight_tensor, bit s = SIMD lane s."""
    from onnx import helper
    from qonnx.custom_op.registry import getCustomOp

    rng = np.random.default_rng(0)
    mw, mh, pe, simd = 12, 8, 4, 3
    weights = rng.choice([-1, 1], size=(mw, mh))
    node = helper.make_node(
        "MVAU", ["in", "w"], ["out"], domain=FINN_DOMAIN, MW=mw, MH=mh, PE=pe, SIMD=simd,
        inputDataType="UINT8", weightDataType="BIPOLAR", outputDataType="INT32", noActivation=1,
    )
    finn_tiles = getCustomOp(node).get_hw_compatible_weight_tensor(weights)[0]  # (PE, WMEM, SIMD)
    finn_tiles = np.flip(finn_tiles, axis=-1)  # FINN reverses lanes for its hex strings
    ours = mvau_weight_words(weights, pe=pe, simd=simd, bipolar=True)
    unpacked = unpack_words(ours.ravel().tolist(), simd, 1, signed=False).reshape(finn_tiles.shape)
    np.testing.assert_array_equal(unpacked, finn_tiles)
