"""The standalone threshold unit's RTL kernel (``hwnas_thresholding``) with its threshold table."""

from __future__ import annotations

import numpy as np

from hwnas.rtl.kinds import flag

MODULE = "hwnas_thresholding"


def parameters(layer: dict, files: dict) -> dict:
    from hwnas.rtl.memfiles import threshold_file

    path = f"{layer['name']}_thresholds.mem"
    files[path] = threshold_file(np.array(layer["thresholds"], dtype=object), bits=layer["thr_bits"])
    return dict(
        CHANNELS=layer["channels"], PE=layer["pe"], NUM_VECS=layer["vectors"], IN_BITS=layer["in_bits"],
        IN_SIGNED=flag(layer["in_signed"]), NT=layer["steps"], OUT_BITS=layer["out_bits"], BIAS=layer["bias"],
        THR_BITS=layer["thr_bits"], THRESHOLD_FILE=path,
    )
