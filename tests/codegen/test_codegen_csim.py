"""Generated accelerators, compiled with g++ and C-simulated, predict exactly the classes FINN's
Python execution of the same dataflow graph predicts."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest

from hwnas.codegen.csim import ap_types_include_dir, run_csim
from hwnas.codegen.generate import generate
from hwnas.codegen.plan import write_plan
from tests.codegen.finn_graphs import build_graph, finn_classes, random_inputs

IMAGES = 100


def _mlp(foldings, input_dtype="BINARY", widths=(784, 64, 64, 64, 10)):
    steps = [("mvau", (mh, pe, simd), {}) for mh, (pe, simd) in zip(widths[1:-1], foldings[:-1])]
    pe, simd = foldings[-1]
    steps += [("mvau", (widths[-1], pe, simd), {"activation": False}), ("label_select", (1,), {})]
    return build_graph((1, widths[0]), input_dtype, steps)


def _cnn(f):
    steps = [
        ("padding", (1, f["in_simd"]), {}),
        ("swg", (3, 1, f["in_simd"]), {}),
        ("mvau", (16, *f["conv0"]), {}),
        ("swg", (2, 2, f["pool_simd"]), {}),
        ("pool", (2, f["pool_simd"]), {}),
        ("swg", (3, 1, f["conv1_simd"]), {"dilation": 1}),
        ("mvau", (32, *f["conv1"]), {}),
        ("swg", (2, 1, f["conv2"][1] // 4 or 1), {"dilation": 2}),
        ("mvau", (24, *f["conv2"]), {}),
        ("flatten_for_classifier", (), {}),
        ("mvau", (10, *f["fc"]), {"activation": False}),
        ("label_select", (f["label_pe"],), {}),
    ]
    return build_graph((1, 10, 10, 3), "UINT8", steps)


MLP_FOLDINGS = {
    "pe1-simd1": [(1, 1)] * 4,
    "full": [(64, 784), (64, 64), (64, 64), (10, 64)],
    "uneven": [(16, 49), (4, 16), (8, 32), (5, 2)],
}
CNN_FOLDINGS = {
    "pe1-simd1": dict(in_simd=1, conv0=(1, 1), pool_simd=1, conv1_simd=1, conv1=(1, 1), conv2=(1, 4), fc=(1, 1), label_pe=1),
    "uneven": dict(in_simd=3, conv0=(4, 9), pool_simd=4, conv1_simd=8, conv1=(8, 36), conv2=(6, 32), fc=(5, 8), label_pe=2),
    "full": dict(in_simd=3, conv0=(16, 27), pool_simd=16, conv1_simd=16, conv1=(32, 144), conv2=(24, 128), fc=(10, 24), label_pe=10),
}


def _check_design(model, tmp_path, seed):
    rng = np.random.default_rng(seed)
    inputs = random_inputs(rng, model, IMAGES)
    expected = finn_classes(model, inputs)
    assert len(set(expected.tolist())) > 1, "a degenerate random network says nothing; pick another seed"
    plan = generate(model, design="test", part="xc7z020clg400-1", clock_mhz=100.0, hls_include=ap_types_include_dir(),
                    inputs=inputs, expected=expected)
    write_plan(plan, tmp_path)
    output = run_csim(tmp_path)
    assert f"csim: {IMAGES}/{IMAGES} predictions agree" in output
    predicted = np.loadtxt(tmp_path / "build" / "predictions.txt", dtype=int)
    np.testing.assert_array_equal(predicted, expected)


@pytest.mark.slow
@pytest.mark.parametrize("folding", list(MLP_FOLDINGS))
def test_mlp_csim_matches_finn(tmp_path, folding):
    _check_design(_mlp(MLP_FOLDINGS[folding]), tmp_path, seed=1)


@pytest.mark.slow
@pytest.mark.parametrize("folding", list(CNN_FOLDINGS))
def test_cnn_csim_matches_finn(tmp_path, folding):
    _check_design(_cnn(CNN_FOLDINGS[folding]), tmp_path, seed=2)
