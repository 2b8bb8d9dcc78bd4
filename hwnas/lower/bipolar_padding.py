"""Padding of -1/+1 maps: give it to the convolution, where FINN's hardware pads with -1.

The model pads a -1/+1 map with -1 (an ONNX ``Pad`` with value -1 in front of the ``Conv``), because
that is what the hardware does: it streams -1/+1 as the bits 0/1, and its padding (FMPadding, from
the ``Im2Col`` that ``LowerConvsToMatMul`` makes of a padded ``Conv``) inserts the bit 0, which is -1.

FINN cannot take the ``Pad`` node itself. Its streamlining moves the bipolar map's scale and offset
(x * 2 - 1) past a ``Pad`` without changing the pad value (``MoveScalesPastIm2Col`` and its
companions treat ``Pad`` as invariant to scaling, which holds only for zero padding), so the padding
becomes -3; and ``InferFMPadding`` converts only zero-valued pads. So before streamlining each such
``Pad`` is folded into its ``Conv``'s own ``pads``: in ONNX's semantics the intermediate graph then
pads with 0, but FINN's XNOR conversion re-reads the padded bipolar map as bits, where that 0 is the
bit of -1, so the dataflow graph computes what the model computes. The canary in
``tests/lower/test_lower_bipolar_padding.py`` fails once FINN scales pad values itself.
"""

from __future__ import annotations


def fold_bipolar_pads_into_convs(model):
    from qonnx.core.datatype import DataType
    from qonnx.util.basic import get_by_name

    for pad in list(model.get_nodes_by_op_type("Pad")):
        value = model.get_initializer(pad.input[2]) if len(pad.input) > 2 else None
        consumers = model.find_consumers(pad.output[0])
        if value is None or float(value) != -1.0 or model.get_tensor_datatype(pad.input[0]) != DataType["BIPOLAR"]:
            raise RuntimeError(f"{pad.name}: only -1 padding of -1/+1 maps is expected from hwnas models")
        amounts = [int(a) for a in model.get_initializer(pad.input[1])]
        # (the exporter merges equal Pads of one map, so a Pad may feed several Convs)
        for conv in consumers:
            # NCHW pads [n, c, top, left, n, c, bottom, right] -> the Conv's [top, left, bottom, right]
            if conv.op_type != "Conv" or amounts[:2] != [0, 0] or amounts[4:6] != [0, 0]:
                raise RuntimeError(f"{pad.name}: expected a spatial Pad in front of a Conv, got {conv.op_type} {amounts}")
            pads = get_by_name(conv.attribute, "pads")
            pads.ints[:] = [amounts[2], amounts[3], amounts[6], amounts[7]]
            conv.input[0] = pad.input[0]
        model.graph.node.remove(pad)
    return model
