"""Fast checks of code generation (no g++): the plan, its templates, and the user-facing errors."""

from __future__ import annotations

import numpy as np
import pytest

from hwnas.codegen.generate import generate
from hwnas.codegen.layers import signed_bits
from hwnas.codegen.plan import Plan, write_plan
from hwnas.errors import UserError
from tests.codegen.finn_graphs import build_graph


def _small_graph():
    steps = [("mvau", (8, 2, 4), {}), ("mvau", (4, 4, 2), {"activation": False}), ("label_select", (2,), {})]
    return build_graph((1, 16), "BINARY", steps, seed=3)


def _generate(model, **kwargs):
    return generate(model, design="t", part="xc7z020clg400-1", clock_mhz=100.0, hls_include="/nowhere", **kwargs)


def test_generation_returns_a_plan_and_writes_nothing(tmp_path):
    plan = _generate(_small_graph())
    assert isinstance(plan, Plan)
    assert {"hwnas_top.cpp", "hwnas_top.h", "testbench.cpp", "Makefile", "csynth.tcl"} <= set(plan.paths())
    assert "kernels/mvau.hpp" in plan.files and "kernels/labelselect.hpp" in plan.files
    assert "kernels/swg.hpp" not in plan.files  # only the kernels the design uses
    assert list(tmp_path.iterdir()) == []
    written = write_plan(plan, tmp_path / "out")
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in written) == plan.paths()


def test_top_level_has_dataflow_axis_and_a_width_converter_where_widths_differ():
    top = _generate(_small_graph()).files["hwnas_top.cpp"]
    assert "#pragma HLS DATAFLOW" in top
    assert top.count("#pragma HLS INTERFACE axis") == 2
    # the first MVAU writes 2-bit words, the second reads 2-bit words: no converter; the second
    # writes 4 x 5-bit sums and LabelSelect reads 2 x 5 bits: one converter
    assert top.count("hwnas::width_convert<") == 1


def test_parameters_follow_finns_layout():
    model = _small_graph()
    plan = _generate(model)
    header = plan.files["params/layer0_mvau.h"]
    assert "layer0_mvau_weights[2][16]" in header  # PE=2, NF * SF = (8 / 2) * (16 / 4)
    assert "layer0_mvau_thresholds[2][4][1]" in header


def test_inputs_become_csim_data():
    model = _small_graph()
    inputs = np.random.default_rng(0).integers(0, 2, size=(3, 16)).astype(np.float32)
    plan = _generate(model, inputs=inputs, expected=np.array([1, 0, 3]))
    lines = plan.files["data/inputs.txt"].splitlines()
    assert lines[0] == "3" and [int(v) for v in lines[1].split()] == inputs[0].astype(int).tolist()
    assert plan.files["data/expected.txt"] == "1\n0\n3\n"
    with pytest.raises(ValueError, match="BINARY"):
        _generate(model, inputs=inputs + 1)


def test_graph_without_label_select_is_refused():
    model = build_graph((1, 16), "BINARY", [("mvau", (8, 2, 4), {})])
    with pytest.raises(UserError, match="LabelSelect"):
        _generate(model)


def test_missing_hls_headers_give_a_clear_error(monkeypatch):
    import importlib.util

    from hwnas.codegen import csim

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(UserError, match="hls4ml"):
        csim.ap_types_include_dir()


def test_signed_bits():
    assert signed_bits(0, 1) == 2
    assert signed_bits(-8, 7) == 4
    assert signed_bits(-9, 7) == 5
    assert signed_bits(0, 785) == 11


def test_popcount_output_too_narrow_for_its_type_is_widened():
    """FINN can declare an XNOR classifier's output narrower than its popcount (see
    hwnas.lower.spec_types); the generated design then carries it, and LabelSelect reads it, in a
    type that holds 0..MW."""
    from qonnx.core.datatype import DataType
    from qonnx.custom_op.registry import getCustomOp

    from hwnas.lower.spec_types import with_spec_types as widen_popcount_outputs

    steps = [("mvau", (8, 2, 4), {}), ("mvau", (4, 2, 2), {"activation": False}), ("label_select", (2,), {})]
    model = build_graph((1, 16), "BINARY", steps, seed=3)  # the classifier: MW = 8, declared UINT4 (0..15)
    assert widen_popcount_outputs(model) is model
    classifier, label_select = model.graph.node[1:]
    getCustomOp(classifier).set_nodeattr("outputDataType", "INT4")  # what FINN declares for a lopsided column
    getCustomOp(label_select).set_nodeattr("inputDataType", "INT4")
    model.set_tensor_datatype(classifier.output[0], DataType["INT4"])
    widened = widen_popcount_outputs(model)
    assert getCustomOp(widened.graph.node[1]).get_output_datatype() == DataType["UINT4"]  # 0..8
    assert getCustomOp(widened.graph.node[2]).get_input_datatype() == DataType["UINT4"]
    assert getCustomOp(model.graph.node[1]).get_output_datatype() == DataType["INT4"]  # the caller's graph is kept
    top = _generate(model).files["hwnas_top.cpp"]
    assert "hwnas::label_select<4, 2, 4, false" in top  # unsigned 4 bits hold 0..8


def test_mvau_shapes_hwnas_never_lowers_keep_their_types_for_code_generation():
    """A graph lowered elsewhere may feed signed inputs to an MVAU. The spec types do not apply:
    code generation keeps FINN's types and sizes the accumulator from the signed range, while
    hwnas's own lowering would stop on it as a bug."""
    from qonnx.core.modelwrapper import ModelWrapper

    from hwnas.lower.spec_types import set_spec_types, with_spec_types

    steps = [("mvau", (4, 2, 2), {"activation": False}), ("label_select", (2,), {})]
    model = build_graph((1, 8), "INT4", steps, seed=1)
    assert with_spec_types(model) is model
    with pytest.raises(RuntimeError, match=r"expected -1/\+1 weights on unsigned integer inputs, found INT4 inputs"):
        set_spec_types(ModelWrapper(model.model.__deepcopy__()))
    top = _generate(model).files["hwnas_top.cpp"]
    assert "hwnas::mvau<" in top
