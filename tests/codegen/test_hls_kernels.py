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
from tests.kernel_vectors import FINN_DOMAIN, HLS, assert_outputs, cases, vectors

pytestmark = pytest.mark.slow


# ---------------------------------------------------------------- MVAU


@pytest.mark.parametrize("case_id", cases("mvau", HLS))
def test_mvau_matches_finn(hls_runner, case_id):
    vec = vectors("mvau", case_id)
    p = vec.p
    outputs = run_vectors(hls_runner, "mvau", vec)
    assert len(outputs["out0"]) == vec.frames * p.vecs * p.mh // p.pe
    assert_outputs(vec, outputs)


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


# ---------------------------------------------------------------- Thresholding


@pytest.mark.parametrize("case_id", cases("thresholding", HLS))
def test_thresholding_matches_finn(hls_runner, case_id):
    vec = vectors("thresholding", case_id)
    assert_outputs(vec, run_vectors(hls_runner, "thresholding", vec))


# ---------------------------------------------------------------- Sliding window


@pytest.mark.parametrize("case_id", cases("swg", HLS))
def test_sliding_window_matches_finn(hls_runner, case_id):
    vec = vectors("swg", case_id)
    outputs = run_vectors(hls_runner, "swg", vec)
    assert len(outputs["out0"]) == vec.frames * vec.p.out_words
    assert_outputs(vec, outputs)


# ---------------------------------------------------------------- Padding, pooling, label select, width converter


@pytest.mark.parametrize("case_id", cases("fmpadding", HLS))
def test_fm_padding_matches_finn(hls_runner, case_id):
    vec = vectors("fmpadding", case_id)
    assert_outputs(vec, run_vectors(hls_runner, "fmpadding", vec))


@pytest.mark.parametrize("case_id", cases("pool", HLS))
def test_max_pool_matches_finn(hls_runner, case_id):
    vec = vectors("pool", case_id)
    assert_outputs(vec, run_vectors(hls_runner, "pool", vec))


@pytest.mark.parametrize("case_id", cases("labelselect", HLS))
def test_label_select_matches_finn_including_ties(hls_runner, case_id):
    vec = vectors("labelselect", case_id)
    assert_outputs(vec, run_vectors(hls_runner, "labelselect", vec))


@pytest.mark.parametrize("case_id", cases("dwc", HLS))
def test_width_converter_keeps_element_order(hls_runner, case_id):
    vec = vectors("dwc", case_id)
    assert_outputs(vec, run_vectors(hls_runner, "dwc", vec))


# ---------------------------------------------------------------- Branches: fan-out, add, concat


@pytest.mark.parametrize("case_id", cases("duplicate", HLS))
def test_duplicate_writes_every_word_to_every_branch(hls_runner, case_id):
    vec = vectors("duplicate", case_id)
    assert vec.p.branches == 3  # the harness's branches
    outputs = run_vectors(hls_runner, "duplicate", vec)
    for port, words in outputs.items():
        assert words == vec.inputs["in0"], port
    assert_outputs(vec, outputs)


@pytest.mark.parametrize("case_id", cases("add", HLS))
def test_elementwise_add_matches_finn(hls_runner, case_id):
    vec = vectors("add", case_id)
    assert_outputs(vec, run_vectors(hls_runner, "add", vec))


@pytest.mark.parametrize("case_id", cases("concat", HLS))
def test_concat_matches_finn(hls_runner, case_id):
    vec = vectors("concat", case_id)
    assert_outputs(vec, run_vectors(hls_runner, "concat", vec))
