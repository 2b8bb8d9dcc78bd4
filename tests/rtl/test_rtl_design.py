"""Whole generated RTL designs in Verilator: the classes of FINN's execution, one frame per bottleneck
period in the steady state, no FIFO above its depth, no deadlock; and a FIFO cut too shallow shows.

The graphs are the C-simulation tests' (tests/codegen/test_codegen_csim.py): MLPs and a CNN with
padding, windows (dilated too), pooling and width converters, at foldings 1, uneven and full.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from hwnas.codegen.plan import write_plan
from hwnas.rtl.generate import generate_rtl
from hwnas.rtl.rtlsim import simulate_rtl
from tests.codegen.finn_graphs import finn_classes, random_inputs
from tests.codegen.test_codegen_csim import CNN_FOLDINGS, MLP_FOLDINGS, _cnn, _mlp

pytestmark = pytest.mark.slow

IMAGES = 12


def _bottleneck_cycles(model) -> int:
    """The slowest node's cycles per frame: FINN's own expected cycles, and for the generic sliding
    window and width converter (whose FINN classes count none) the larger of their words in and out,
    as the cost model counts them."""
    from qonnx.custom_op.registry import getCustomOp

    from hwnas.codegen.layers import read_layers

    layers, _ = read_layers(model)
    cycles = [int(getCustomOp(node).get_exp_cycles()) for node in model.graph.node]
    for layer in layers:
        if layer["kind"] == "swg":
            in_words = layer["ifm_h"] * layer["ifm_w"] * layer["channels"] // layer["simd"]
            cycles.append(max(in_words, layer["out_words"]))
        elif layer["kind"] == "dwc":
            cycles.append(max(layer["in_words"], layer["out_words"]))
    return max(cycles)


def _simulate(model, tmp_path, *, seed=3, images=IMAGES):
    inputs = random_inputs(np.random.default_rng(seed), model, images)
    expected = finn_classes(model, inputs)
    write_plan(generate_rtl(model, design="test"), tmp_path / "rtl")
    result = simulate_rtl(
        tmp_path / "rtl", model, inputs, design="test", build_dir=tmp_path / "build",
        estimated_cycles=_bottleneck_cycles(model), references={"FINN": expected},
    )
    return result, expected


def _check(result, expected):
    assert not result.deadlock
    assert result.classes == expected.tolist()
    assert result.agreement["FINN"] == dict(agree=len(expected), of=len(expected))
    assert result.fifo_overflow == []
    assert result.fifos and all(f["peak"] <= f["depth"] for f in result.fifos)
    # the steady state runs at the slowest node's rate (random back-pressure on the class output)
    assert result.cycles_ratio == pytest.approx(1.0, abs=0.05), result.summary()


@pytest.mark.parametrize("folding", ["pe1-simd1", "uneven"])
def test_mlp_rtl_matches_finn_at_the_bottleneck_rate(tmp_path, folding):
    result, expected = _simulate(_mlp(MLP_FOLDINGS[folding]), tmp_path)
    _check(result, expected)


@pytest.mark.parametrize("folding", ["uneven", "full"])
def test_cnn_rtl_matches_finn_at_the_bottleneck_rate(tmp_path, folding):
    result, expected = _simulate(_cnn(CNN_FOLDINGS[folding]), tmp_path)
    _check(result, expected)


def test_rtlsim_json_and_summary(tmp_path):
    result, expected = _simulate(_mlp(MLP_FOLDINGS["uneven"]), tmp_path)
    path = result.write(tmp_path / "rtlsim.json")
    import json

    data = json.loads(path.read_text())
    assert data["classes"] == expected.tolist() and data["deadlock"] is False
    assert data["first_frame_latency"] > 0 and data["cycles_ratio"] == pytest.approx(1.0, abs=0.05)
    text = "\n".join(result.summary())
    assert re.search(r"classes agree with FINN on 12/12", text)
    assert "steady state" in text and "FIFOs:" in text
