"""A -1/+1 map with several readers: do the XNOR conversion's re-encoding at the fork ourselves.

FINN streams -1/+1 as the bits 0/1. ``ConvertBipolarMatMulToXnorPopcount`` (qonnx 1.0.0) finds, for
each MatMul reading -1/+1 values, the MultiThreshold that made them, switches it to output bits, and
fixes up that MatMul. On a fork this goes wrong two ways:

1. A reader that is not a MatMul, such as an add's requantiser (a MultiThreshold onto the add's
   grid), keeps thresholds placed for -1/+1 and reads the bit 0 as 0 instead of -1 (15 of 30
   random inputs classified differently on a small residual net).
2. The second of two convs reading one map finds no bipolar MultiThreshold upstream any more (the
   first conversion switched it) and raises "Could not find upstream bipolar MultiThreshold"; two
   MatMuls reading the map directly are worse: the second is silently left a MatMul on bits.

So before streamlining, at every fork of a -1/+1 map, hwnas re-encodes once for all readers: the
MultiThreshold that made the map (through max-pools, which commute with the encoding) outputs bits,
each MultiThreshold reader gets thresholds moved to the bits' scale (x >= t becomes b >= (t + 1) / 2),
and each other reader gets its own identity MultiThreshold from bits back to -1/+1, which the XNOR
conversion then finds and switches to bits. That identity maps bits to the same bits and is removed
after streamlining (as ``bipolar_input`` does for a bipolar image), so no hardware layer is spent on
it. The canaries in ``tests/lower/test_lower_bipolar_fork.py`` fail once qonnx handles forks.
"""

from __future__ import annotations

import numpy as np

# a threshold between the bits 0 and 1
BIT_THRESHOLD = 0.5
_TRANSPARENT = ("MaxPool", "MaxPoolNHWC")  # max commutes with the increasing map b -> 2b - 1


def split_bipolar_forks(model):
    from qonnx.core.datatype import DataType

    for tensor in [t for n in model.graph.node for t in n.output]:
        readers = model.find_consumers(tensor)
        if model.get_tensor_datatype(tensor) == DataType["BIPOLAR"] and readers is not None and len(readers) > 1:
            to_bits(model, tensor)
    return model


def to_bits(model, tensor: str, *, bit_readers: tuple = ()) -> None:
    """Re-encode the -1/+1 map ``tensor`` as bits: the MultiThreshold behind it outputs bits, and
    its readers are fixed up (``fix_readers``); ``bit_readers`` read bits as they are."""
    _reencode_upstream(model, tensor)
    fix_readers(model, tensor, bit_readers=bit_readers)


def fix_readers(model, tensor: str, *, bit_readers: tuple = ()) -> None:
    """The readers of ``tensor``, now bits where they expected -1/+1: a MultiThreshold gets its
    thresholds moved to the bits' scale (x >= t is b >= (t + 1) / 2), any other reader (not in
    ``bit_readers``) its own identity MultiThreshold back to -1/+1 for the XNOR conversion to find."""
    from onnx import helper
    from qonnx.core.datatype import DataType

    for reader in model.find_consumers(tensor) or []:
        if reader in bit_readers:
            continue
        if reader.op_type == "MultiThreshold":
            thresholds = model.get_initializer(reader.input[1])
            model.set_initializer(reader.input[1], ((thresholds + 1) / 2).astype(np.float32))
            continue
        own, threshold = model.make_new_valueinfo_name(), model.make_new_valueinfo_name()
        model.set_initializer(threshold, np.array([[BIT_THRESHOLD]], dtype=np.float32))
        model.set_tensor_shape(own, model.get_tensor_shape(tensor))
        model.set_tensor_datatype(own, DataType["BIPOLAR"])
        reader.input[list(reader.input).index(tensor)] = own
        model.graph.node.insert(
            list(model.graph.node).index(reader),
            helper.make_node(
                "MultiThreshold", [tensor, threshold], [own], domain="qonnx.custom_op.general",
                out_dtype="BIPOLAR", out_scale=2.0, out_bias=-1.0, name=f"{reader.name}_own_signs",
            ),
        )


def _reencode_upstream(model, tensor: str) -> None:
    """Make the bipolar MultiThreshold behind ``tensor`` (through max-pools) output bits."""
    from qonnx.core.datatype import DataType
    from qonnx.custom_op.registry import getCustomOp

    path = [tensor]
    producer = model.find_producer(tensor)
    while producer is not None and producer.op_type in _TRANSPARENT:
        path.append(producer.input[0])
        producer = model.find_producer(producer.input[0])
    if producer is None or producer.op_type != "MultiThreshold":
        raise RuntimeError(f"{tensor}: a -1/+1 map that no MultiThreshold made")
    inst = getCustomOp(producer)
    if inst.get_nodeattr("out_dtype") != "BINARY":
        if (inst.get_nodeattr("out_scale"), inst.get_nodeattr("out_bias")) != (2.0, -1.0):
            raise RuntimeError(f"{producer.name}: expected the -1/+1 encoding out_scale 2, out_bias -1")
        inst.set_nodeattr("out_dtype", "BINARY")
        inst.set_nodeattr("out_scale", 1.0)
        inst.set_nodeattr("out_bias", 0.0)
    for name in path:
        model.set_tensor_datatype(name, DataType["BINARY"])


def remove_bit_identities(model):
    """Remove the MultiThresholds that map bits to the same bits (one threshold in (0, 1])."""
    from qonnx.core.datatype import DataType

    for node in list(model.get_nodes_by_op_type("MultiThreshold")):
        thresholds = model.get_initializer(node.input[1])
        same_bits = (
            model.get_tensor_datatype(node.input[0]) == DataType["BINARY"]
            and model.get_tensor_datatype(node.output[0]) == DataType["BINARY"]
            and thresholds.shape[-1] == 1 and bool(((thresholds > 0) & (thresholds <= 1)).all())
        )
        if not same_bits:
            continue
        for reader in model.find_consumers(node.output[0]) or []:
            reader.input[list(reader.input).index(node.output[0])] = node.input[0]
        model.graph.node.remove(node)
    return model


def clip_thresholds_on_bits(model):
    """Thresholds below 0 on bits become 0: both are passed by every bit. Re-encoded requantisers
    have them, and FINN's Thresholding asserts on negative thresholds over unsigned inputs when
    MinimizeWeightBitWidth runs, before RoundAndClipThresholds would clip them."""
    from qonnx.core.datatype import DataType

    for node in model.get_nodes_by_op_type("MultiThreshold"):
        if model.get_tensor_datatype(node.input[0]) == DataType["BINARY"]:
            thresholds = model.get_initializer(node.input[1])
            model.set_initializer(node.input[1], np.maximum(thresholds, 0).astype(np.float32))
    return model
