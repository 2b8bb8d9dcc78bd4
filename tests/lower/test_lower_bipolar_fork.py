"""hwnas.blocks.bipolar_fork: qonnx's XNOR conversion on a forked -1/+1 map, and hwnas's re-encoding."""

import numpy as np
import pytest
from onnx import TensorProto, helper

GRID4 = np.arange(-7.5, 7.0, 1.0, dtype=np.float32)[None, :]  # a signed 4-bit grid quantiser's thresholds
X = np.array([[-1.0, 1.0, -2.0, 3.0]], dtype=np.float32)


def _fork(readers):
    """MultiThreshold -> -1/+1 map -> each of ``readers``: "matmul" or "grid" (a 4-bit requantiser)."""
    from qonnx.core.datatype import DataType
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.transformation.infer_datatypes import InferDataTypes
    from qonnx.transformation.infer_shapes import InferShapes
    from qonnx.util.basic import qonnx_make_model

    nodes = [helper.make_node("MultiThreshold", ["x", "t0"], ["signs"], domain="qonnx.custom_op.general",
                              out_dtype="BIPOLAR", out_scale=2.0, out_bias=-1.0)]
    outs = []
    for i, kind in enumerate(readers):
        if kind == "matmul":
            nodes.append(helper.make_node("MatMul", ["signs", "w"], [f"y{i}"]))
        else:
            nodes.append(helper.make_node("MultiThreshold", ["signs", "t1"], [f"y{i}"], domain="qonnx.custom_op.general",
                                          out_dtype="INT4", out_bias=-8.0))
        outs.append(helper.make_tensor_value_info(f"y{i}", TensorProto.FLOAT, [1, 4]))
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    model = ModelWrapper(qonnx_make_model(helper.make_graph(nodes, "g", [x], outs)))
    model.set_initializer("t0", np.zeros((4, 1), dtype=np.float32))
    model.set_initializer("t1", np.repeat(GRID4, 4, axis=0))
    model.set_initializer("w", np.where(np.eye(4) > 0, 1.0, -1.0).astype(np.float32))
    model.set_tensor_datatype("w", DataType["BIPOLAR"])
    return model.transform(InferShapes()).transform(InferDataTypes())


def _run(model):
    from qonnx.core.onnx_exec import execute_onnx

    context = execute_onnx(model, {"x": X}, return_full_exec_context=True)
    return [context[o.name] for o in model.graph.output]


def _xnor(model):
    from qonnx.transformation.bipolar_to_xnor import ConvertBipolarMatMulToXnorPopcount

    return model.transform(ConvertBipolarMatMulToXnorPopcount())


def test_qonnx_xnor_conversion_breaks_on_forks():
    """Canaries: once these fail, qonnx handles forks and hwnas.blocks.bipolar_fork may go."""
    model = _fork(["matmul", "grid"])
    before, after = _run(model), _run(_xnor(model))
    assert not np.array_equal(before[1], after[1])  # the requantiser now reads 0 where -1 was
    # two MatMuls on one map: the first conversion marks the map as bits, the second MatMul is left
    # a plain MatMul computing with bits as if they were -1/+1 (through im2col paths it raises
    # "Could not find upstream bipolar MultiThreshold" instead)
    model = _fork(["matmul", "matmul"])
    converted = _xnor(model)
    assert [n.op_type for n in converted.graph.node].count("XnorPopcountMatMul") == 1
    assert not np.array_equal(_run(model)[1], _run(converted)[1])


@pytest.mark.parametrize("readers", [["matmul", "grid"], ["matmul", "matmul", "grid"], ["grid", "matmul"]])
def test_reencoded_fork_keeps_every_reader(readers):
    from hwnas.blocks.bipolar_fork import remove_bit_identities, split_bipolar_forks

    model = _fork(readers)
    before = _run(model)
    converted = _xnor(split_bipolar_forks(_fork(readers)))
    assert [n.op_type for n in converted.graph.node].count("XnorPopcountMatMul") == readers.count("matmul")
    for expected, got in zip(before, _run(converted)):
        np.testing.assert_array_equal(expected, got)
    # the identities it inserted map bits to bits once converted: they go, the function stays
    cleaned = remove_bit_identities(converted)
    assert [n.op_type for n in cleaned.graph.node].count("MultiThreshold") == 1 + readers.count("grid")
