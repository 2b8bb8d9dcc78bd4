"""MVAU weight and accumulator types fixed by the spec, so that the cost model knows them before training.

Upstream behaviour (finn-plus 1.6.1): ``MinimizeAccumulatorWidth`` sizes each MVAU's accumulator
from the trained weights' column sums, and ``MinimizeWeightBitWidth`` types the weights from their
values. That has consequences hwnas cannot accept:

1. For an XNOR-popcount MVAU (``binaryXnorMode=1``) it computes the range of the -1/+1 dot
   product, not of the popcount the hardware accumulates (0..MW): INT8 for MW=128 with mixed
   weights, so a popcount of 128 wraps to -128. FINN's Python execution does not truncate and never
   shows it; the generated hardware did (a trained Fashion-MNIST classifier lost 10 of 10,000 test
   images), and ``RoundAndClipThresholds`` clipped hidden layers' thresholds to the too-narrow range.
   With a signed type it also leaves thresholds below 0 (a channel that is always on, from extreme
   BatchNorm statistics) negative, and ``MVAU.get_hw_compatible_threshold_tensor`` asserts on them;
   with the popcount's unsigned type they are clipped to 0, which keeps the function.
2. The widths depend on the weights, which the search's cost model does not have. An accumulator
   bit is 1.1 * PE LUTs of FINN's estimate (1.18% off on one of 23 agreement cases), and a
   quantised layer whose weights happen to be all +1 gets BINARY instead of INT2 weights, which
   shrinks its multiplier and adder-tree LUTs and halves its weight memory in the estimate.

So hwnas runs FINN's passes (for any node type they know) and then gives every MVAU the types its
spec allows: weights BINARY (XNOR) or INT2 (-1/+1 on quantised inputs, what FINN picks for mixed
signs), and the accumulator type of the range ``hwnas.hw.mvau.spec_accumulator`` gives (the one
formula the cost model uses too): 0..MW for XNOR layers, -MW*X..MW*X for -1/+1 weights on unsigned
inputs up to X. The generated C++ sizes its accumulators from the same ranges
(``hwnas.codegen.layers``). The canaries in ``tests/lower/test_lower_xnor_accumulator.py``,
``tests/lower/test_lower_thresholds.py`` and ``tests/cost/test_cost_lowering_agreement.py`` fail
once upstream behaves otherwise.
"""

from __future__ import annotations

import numpy as np

from hwnas.hw.mvau import QUANT_WEIGHT_BITS, spec_accumulator


def _spec_types(model, node, inst):
    """The weight, accumulator and output DataTypes the spec allows (the output is the
    accumulator when the node has no activation); None for an MVAU hwnas's models never produce
    (signed or non-integer inputs, weights other than -1/+1)."""
    from qonnx.core.datatype import DataType

    mw = inst.get_nodeattr("MW")
    if inst.get_nodeattr("binaryXnorMode") == 1:
        in_bits = 1
    else:
        idt = inst.get_input_datatype(0)
        initializer = model.get_initializer(node.input[1])
        if idt.signed() or not idt.is_integer() or (initializer is not None and not np.isin(initializer, (-1, 1)).all()):
            return None
        in_bits = idt.bitwidth()
    weights = DataType["BINARY"] if in_bits == 1 else DataType[f"INT{QUANT_WEIGHT_BITS}"]
    signed, bits = spec_accumulator(mw, in_bits)
    acc = DataType[f"{'INT' if signed else 'UINT'}{bits}"]
    out = DataType[inst.get_nodeattr("outputDataType")]
    if inst.get_nodeattr("noActivation") == 1:
        out = acc
        if model.find_direct_successors(node) is None:
            # FINN's rule for a graph's last node: its output goes out in whole bytes
            out = DataType[f"{'INT' if signed else 'UINT'}{8 * -(-bits // 8)}"]
    return weights, acc, out


def set_spec_types(model, *, foreign: bool = False):
    """Give every MVAU its spec's weight and accumulator types (and output type, without activation);
    return ``(model, number of nodes changed)``. Run after FINN's ``MinimizeWeightBitWidth`` and
    ``MinimizeAccumulatorWidth`` and before ``RoundAndClipThresholds``, then infer data types again.

    An MVAU of a shape hwnas's models never produce is a bug in hwnas's own lowering; in a graph
    lowered elsewhere (``foreign``) it keeps its types, for code generation to judge.
    """
    from qonnx.custom_op.registry import getCustomOp

    changed = 0
    for node in model.graph.node:
        if node.op_type.startswith("Thresholding"):
            changed += _set_threshold_type(getCustomOp(node))
        if not node.op_type.startswith("MVAU"):
            continue
        inst = getCustomOp(node)
        spec_types = _spec_types(model, node, inst)
        if spec_types is None:
            if foreign:
                continue
            raise RuntimeError(
                f"{node.name}: expected -1/+1 weights on unsigned integer inputs, found "
                f"{inst.get_input_datatype(0).name} inputs and {inst.get_input_datatype(1).name} weights"
            )
        types = dict(zip(("weightDataType", "accDataType", "outputDataType"), spec_types))
        if all(inst.get_nodeattr(attr) == dtype.name for attr, dtype in types.items()):
            continue
        for attr, dtype in types.items():
            inst.set_nodeattr(attr, dtype.name)
        model.set_tensor_datatype(node.output[0], types["outputDataType"])
        changed += 1
    return model, changed


def threshold_type(input_type):
    """The thresholds' type of a threshold unit on ``input_type``: RoundAndClipThresholds keeps them
    in [min, max + 1] of the input, and FINN's minimisation picks the type for that range when the
    values span it (weights-independent, as the cost model needs)."""
    from qonnx.core.datatype import DataType

    top = input_type.max() + 1
    if input_type.signed():
        return DataType.get_smallest_possible(-top - 1)
    return DataType.get_smallest_possible(top)


def _set_threshold_type(inst) -> int:
    dtype = threshold_type(inst.get_input_datatype(0))
    if inst.get_nodeattr("weightDataType") == dtype.name:
        return 0
    inst.set_nodeattr("weightDataType", dtype.name)
    return 1


def with_spec_types(model):
    """``model`` itself when every MVAU already has its spec's types, else a retyped copy (the
    caller's graph is left as it is) with the data types downstream inferred again. For graphs
    lowered elsewhere, or by hwnas before it set these types."""
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.transformation.infer_datatypes import InferDataTypes

    copy, changed = set_spec_types(ModelWrapper(model.model.__deepcopy__()), foreign=True)
    return copy.transform(InferDataTypes()) if changed else model
