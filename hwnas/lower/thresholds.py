"""Clip the thresholds of XNOR-popcount MVAUs to the range the popcount can reach.

``tests/lower/test_lower_thresholds.py`` has a canary that fails once upstream changes, so the
workaround can go.

Upstream behaviour (finn-plus 1.6.1): an XNOR MVAU (``binaryXnorMode=1``) compares a popcount in
[0, MW] with its thresholds, but ``MinimizeAccumulatorWidth`` gives it a *signed* accumulator type
(it computes the range from the -1/+1 weights), so ``RoundAndClipThresholds`` clips to that signed
range and leaves negative thresholds negative. ``MVAU.get_hw_compatible_threshold_tensor`` then
asserts ``(thresholds >= 0).all()`` (bit-width minimisation, estimates and code generation all call
it). Negative thresholds come from a trained model with extreme BatchNorm statistics: a channel
that is always on.

Clipping to [0, MW + 1] keeps the function (a popcount is always >= 0 and never > MW) and keeps the
lowering alive.

The accumulator types themselves are set in ``hwnas.lower.spec_types``.
"""

from __future__ import annotations

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
