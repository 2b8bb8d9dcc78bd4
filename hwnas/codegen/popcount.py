"""Workaround: give the popcount an XNOR MVAU without activation outputs a type that holds it.

Upstream behaviour (finn-plus 1.6.1): ``MinimizeAccumulatorWidth`` sizes an XNOR MVAU's accumulator
from the -1/+1 dot product (a column with p weights of +1 and n of -1 spans -n..p), but the XNOR
MVAU computes the popcount of matching bits, which spans 0..MW. With thresholds that does not matter
(they are compared, see ``hwnas.lower.thresholds``); without them (the classifier) the popcount is
the output, and its declared type can be too narrow: MW = 96 with the type INT7 (-64..63) while the
popcount reaches 64 and more. FINN's Python execution carries the value in float and stays right; a
stream of the declared width would wrap it and change the predicted class.

So C++ generation widens that output, and the LabelSelect reading it, to a signed type holding both
the declared range and 0..MW. Nothing changes where the declared type already holds the popcount.
"""

from __future__ import annotations

from hwnas.errors import UserError


def widen_popcount_outputs(model):
    """``model`` itself if every XNOR MVAU output holds its popcount, else a copy whose types do."""
    from qonnx.core.datatype import DataType
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.custom_op.registry import getCustomOp

    from hwnas.codegen.layers import base_op_type, signed_bits

    too_narrow = []
    for node in model.graph.node:
        if base_op_type(node.op_type) != "MVAU":
            continue
        inst = getCustomOp(node)
        if not (inst.get_nodeattr("binaryXnorMode") and inst.get_nodeattr("noActivation")):
            continue
        declared, mw = inst.get_output_datatype(), inst.get_nodeattr("MW")
        if not declared.allowed(mw):
            too_narrow.append((node.name, f"INT{signed_bits(min(int(declared.min()), 0), max(int(declared.max()), mw))}"))
    if not too_narrow:
        return model
    model = ModelWrapper(model.model.__deepcopy__())
    for name, wide in too_narrow:
        node = model.get_node_from_name(name)
        getCustomOp(node).set_nodeattr("outputDataType", wide)
        model.set_tensor_datatype(node.output[0], DataType[wide])
        for consumer in model.find_consumers(node.output[0]) or []:
            if base_op_type(consumer.op_type) != "LabelSelect":
                raise UserError(
                    f"{name}: its popcount needs {wide}, wider than FINN's type, and it feeds "
                    f"{consumer.op_type}; hwnas widens it only into a LabelSelect"
                )
            getCustomOp(consumer).set_nodeattr("inputDataType", wide)
    return model
