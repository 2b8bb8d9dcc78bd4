"""Canary for hwnas.lower.bipolar_padding: FINN moves a scale past a Pad without scaling its value."""

import numpy as np
from onnx import TensorProto, helper


def _mul_then_pad():
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.util.basic import qonnx_make_model

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 2, 2])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, 4, 4])
    nodes = [
        helper.make_node("Mul", ["x", "two"], ["scaled"]),
        helper.make_node("Pad", ["scaled", "pads", "minus_one"], ["y"], mode="constant"),
    ]
    model = ModelWrapper(qonnx_make_model(helper.make_graph(nodes, "g", [x], [y]), opset_imports=[helper.make_opsetid("", 13)]))
    model.set_initializer("two", np.array(2.0, dtype=np.float32))
    model.set_initializer("pads", np.array([0, 0, 1, 1, 0, 0, 1, 1], dtype=np.int64))
    model.set_initializer("minus_one", np.array(-1.0, dtype=np.float32))
    return model


def test_finn_moves_a_scale_past_a_pad_and_changes_the_padding():
    from finn.transformation.streamline.reorder import MoveScalesPastIm2Col
    from qonnx.core.onnx_exec import execute_onnx
    from qonnx.transformation.infer_shapes import InferShapes

    model = _mul_then_pad().transform(InferShapes())
    x = np.ones((1, 1, 2, 2), dtype=np.float32)
    before = execute_onnx(model, {"x": x})["y"]
    moved = model.transform(MoveScalesPastIm2Col())
    after = execute_onnx(moved, {"x": x})["y"]
    assert [n.op_type for n in moved.graph.node] == ["Pad", "Mul"]
    assert before[0, 0, 0, 0] == -1
    # If this fails, FINN scales pad values itself and fold_bipolar_pads_into_convs may go.
    assert after[0, 0, 0, 0] == -2
