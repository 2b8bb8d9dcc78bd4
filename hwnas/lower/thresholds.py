"""Workarounds for FINN typing XNOR-popcount MVAUs as if they computed a -1/+1 dot product.

Both fixes below come from one upstream behaviour; ``tests/lower/test_lower_thresholds.py`` has a
canary for each, which fails once upstream changes, so the workaround can go.

1. Clip the thresholds of XNOR-popcount MVAUs to the range the popcount can reach.

Upstream behaviour (finn-plus 1.6.1): an XNOR MVAU (``binaryXnorMode=1``) compares a popcount in
[0, MW] with its thresholds, but ``MinimizeAccumulatorWidth`` gives it a *signed* accumulator type
(it computes the range from the -1/+1 weights), so ``RoundAndClipThresholds`` clips to that signed
range and leaves negative thresholds negative. ``MVAU.get_hw_compatible_threshold_tensor`` then
asserts ``(thresholds >= 0).all()`` (bit-width minimisation, estimates and code generation all call
it). Negative thresholds come from a trained model with extreme BatchNorm statistics: a channel
that is always on.

Clipping to [0, MW + 1] keeps the function (a popcount is always >= 0 and never > MW) and keeps the
lowering alive.

2. Widen the accumulator (and, without activation, the output) type of XNOR MVAUs to hold [0, MW].
   The signed type ``MinimizeAccumulatorWidth`` picks covers the dot product's range, e.g. INT8 for
   MW=128 with mixed weights, but not a popcount of 128: the hardware's output wraps to -128, so the
   last layer's largest logit becomes its smallest and label select picks another class (seen on a
   trained Fashion-MNIST network, 10 of 10,000 test images), and ``RoundAndClipThresholds`` clips
   hidden layers' thresholds to that too-narrow range. FINN's Python execution does not truncate, so
   it never shows this; the generated hardware (and FINN's own HLS) does.
"""

from __future__ import annotations

import math

import numpy as np


def clip_unreachable_thresholds(model):
    """Clip every XNOR MVAU's thresholds into [0, MW + 1]; return ``(model, number of values changed)``."""
    from qonnx.custom_op.registry import getCustomOp

    changed = 0
    for node in model.graph.node:
        if not node.op_type.startswith("MVAU") or len(node.input) < 3:
            continue
        inst = getCustomOp(node)
        if inst.get_nodeattr("binaryXnorMode") != 1 or inst.get_nodeattr("noActivation") == 1:
            continue
        thresholds = model.get_initializer(node.input[2])
        clipped = np.clip(thresholds, 0, inst.get_nodeattr("MW") + 1).astype(np.float32)
        changed += int(np.count_nonzero(clipped != thresholds))
        model.set_initializer(node.input[2], clipped)
    return model, changed


def widen_xnor_accumulators(model):
    """Give every XNOR MVAU an accumulator type that holds [0, MW]; return ``(model, nodes changed)``.

    Run after ``MinimizeAccumulatorWidth`` and before ``RoundAndClipThresholds``. A node without
    activation outputs its accumulator, so its output type widens too (to whole bytes when it is the
    graph's last node, as FINN sizes such outputs).
    """
    from qonnx.core.datatype import DataType
    from qonnx.custom_op.registry import getCustomOp

    changed = 0
    for node in model.graph.node:
        if not node.op_type.startswith("MVAU"):
            continue
        inst = getCustomOp(node)
        if inst.get_nodeattr("binaryXnorMode") != 1:
            continue
        mw = inst.get_nodeattr("MW")
        typed = [DataType[inst.get_nodeattr("accDataType")]]
        if inst.get_nodeattr("noActivation") == 1:
            typed.append(DataType[inst.get_nodeattr("outputDataType")])
        if all(t.min() <= 0 and t.max() >= mw for t in typed):
            continue
        bits = math.ceil(math.log2(mw + 1))
        if inst.get_nodeattr("noActivation") == 1 and not model.find_direct_successors(node):
            bits = 8 * math.ceil(bits / 8)
        acc = DataType[f"UINT{bits}"]
        inst.set_nodeattr("accDataType", acc.name)
        if inst.get_nodeattr("noActivation") == 1:
            inst.set_nodeattr("outputDataType", acc.name)
            model.set_tensor_datatype(node.output[0], acc)
        changed += 1
    return model, changed


def widened_for_popcounts(model):
    """``model`` itself when every XNOR MVAU's types hold its popcount, else a widened copy (the
    caller's graph is left as it is), with the data types downstream inferred again."""
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.transformation.infer_datatypes import InferDataTypes

    copy, changed = widen_xnor_accumulators(ModelWrapper(model.model.__deepcopy__()))
    return copy.transform(InferDataTypes()) if changed else model
