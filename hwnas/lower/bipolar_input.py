"""Bipolar (-1/+1) image input: make FINN's XNOR conversion see where the bipolar values come from.

FINN's hardware streams a bipolar value as one bit (-1 -> 0, +1 -> 1). ``ConvertBipolarMatMulToXnorPopcount``
re-reads a bipolar tensor as such bits only where it finds the bipolar MultiThreshold that made it,
or where the MatMul reads the graph input itself. A convolution reads the input through a Transpose
and an Im2Col, so the conversion raises "Could not find upstream bipolar MultiThreshold".

So the graph input is declared BINARY (the bits the hardware reads) and a MultiThreshold turns it into
the bipolar values the model computed with (bit >= 0.5 -> +1, else -1). The XNOR conversion then finds
that node and makes it output bits again, which leaves an identity on the input bits; it is removed
after streamlining, so no hardware layer is spent on it.
"""

from __future__ import annotations

import numpy as np

THRESHOLD = 0.5


def insert_bipolar_input_threshold(model):
    from onnx import TensorProto, helper
    from qonnx.core.datatype import DataType

    input_name = model.graph.input[0].name
    bipolar = model.make_new_valueinfo_name()
    thresholds = model.make_new_valueinfo_name()
    model.set_initializer(thresholds, np.array([[THRESHOLD]], dtype=np.float32))
    for node in model.graph.node:
        for index, name in enumerate(node.input):
            if name == input_name:
                node.input[index] = bipolar
    model.graph.value_info.append(
        helper.make_tensor_value_info(bipolar, TensorProto.FLOAT, model.get_tensor_shape(input_name))
    )
    model.graph.node.insert(
        0,
        helper.make_node(
            "MultiThreshold", [input_name, thresholds], [bipolar], domain="qonnx.custom_op.general",
            out_dtype="BIPOLAR", out_scale=2.0, out_bias=-1.0, name="BipolarInput",
        ),
    )
    model.set_tensor_datatype(input_name, DataType["BINARY"])
    model.set_tensor_datatype(bipolar, DataType["BIPOLAR"])
    return model


def remove_binary_input_threshold(model):
    """Remove the input MultiThreshold once the XNOR conversion made it map bits to the same bits."""
    from qonnx.core.datatype import DataType
    from qonnx.custom_op.registry import getCustomOp

    input_name = model.graph.input[0].name
    node = model.find_consumer(input_name)
    if node is None or node.op_type != "MultiThreshold" or model.get_tensor_datatype(input_name) != DataType["BINARY"]:
        return model
    inst = getCustomOp(node)
    thresholds = model.get_initializer(node.input[1])
    identity = (
        inst.get_nodeattr("out_dtype") == "BINARY"
        and inst.get_nodeattr("out_scale") == 1.0
        and inst.get_nodeattr("out_bias") == 0.0
        and thresholds is not None and thresholds.shape[-1] == 1
        and np.all((thresholds > 0) & (thresholds <= 1))
    )
    if not identity:
        return model
    for consumer in model.find_consumers(node.output[0]):
        for index, name in enumerate(consumer.input):
            if name == node.output[0]:
                consumer.input[index] = input_name
    model.graph.node.remove(node)
    return model
