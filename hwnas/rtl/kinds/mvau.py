"""The MVAU's RTL kernel (``hwnas_mvau``) with its weight and threshold tables."""

from __future__ import annotations

import numpy as np

from hwnas.rtl.kinds import flag

MODULE = "hwnas_mvau"


def parameters(layer: dict, files: dict) -> dict:
    from hwnas.rtl.memfiles import threshold_file, weight_file

    weights = f"{layer['name']}_weights.mem"
    files[weights] = weight_file(np.array(layer["weight_words"], dtype=object), simd=layer["simd"])
    thresholds = f"{layer['name']}_thresholds.mem"
    steps = 0
    if layer["thresholds"] is not None:
        steps = layer["steps"]
        files[thresholds] = threshold_file(np.array(layer["thresholds"], dtype=object), bits=layer["acc_bits"])
    return dict(
        MW=layer["mw"], MH=layer["mh"], PE=layer["pe"], SIMD=layer["simd"], NUM_VECS=layer["vectors"],
        IN_BITS=layer["in_bits"], IN_SIGNED=flag(layer["in_signed"]), XNOR=flag(layer["xnor"]),
        OUT_BITS=layer["out_bits"], ACC_BITS=layer["acc_bits"], NT=steps, BIAS=layer.get("bias", 0),
        WEIGHT_FILE=weights, THRESHOLD_FILE=thresholds if steps else "",
    )
