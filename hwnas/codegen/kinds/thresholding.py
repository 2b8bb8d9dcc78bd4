"""Code generation for the standalone threshold unit (``hwnas.hw.thresholding``): FINN's
``Thresholding`` to ``hwnas::thresholding`` with its threshold header."""

from __future__ import annotations

import numpy as np

from hwnas.codegen.kinds import elem, signed_bits, vectors
from hwnas.codegen.params import threshold_table
from hwnas.codegen.render import render
from hwnas.errors import UserError
from hwnas.hw.thresholding import KIND

FINN_OP = "Thresholding"
HEADER = "thresholding.hpp"
SETUP = """\
#pragma HLS ARRAY_PARTITION variable = {{ layer.name }}_thresholds complete dim = 1
#pragma HLS ARRAY_PARTITION variable = {{ layer.name }}_thresholds complete dim = 3
"""
CALL = """\
        hwnas::thresholding<{{ layer.channels }}, {{ layer.pe }}, {{ layer.vectors }}, {{ layer.in_bits }}, {{ layer.in_signed | lower }}, {{ layer.steps }}, {{ layer.out_bits }}, {{ layer.bias }}>(
            in0, out0, {{ layer.name }}_thresholds);
"""


def read(model, node, inst) -> dict:
    from qonnx.core.datatype import DataType

    idt = inst.get_input_datatype(0)
    if idt == DataType["BIPOLAR"]:
        raise UserError(f"{node.name}: thresholding a bipolar stream is not supported")
    channels, pe = inst.get_nodeattr("NumChannels"), inst.get_nodeattr("PE")
    in_bits, in_signed = elem(idt)
    lo, hi = int(idt.min()), int(idt.max())
    table = np.clip(threshold_table(model.get_initializer(node.input[1]), channels=channels, pe=pe), lo, hi + 1)
    out_bits = elem(inst.get_output_datatype())[0]
    return dict(
        kind=KIND, channels=channels, pe=pe, vectors=vectors(inst), in_bits=in_bits,
        in_signed=in_signed, steps=table.shape[2], out_bits=out_bits,
        bias=0 if inst.get_output_datatype() == DataType["BIPOLAR"] else int(inst.get_nodeattr("ActVal")),
        thresholds=table.tolist(), thr_bits=signed_bits(lo, hi + 1), in_width=pe * in_bits, out_width=pe * out_bits,
        out_words=vectors(inst) * (channels // pe),
    )


def params(layer: dict) -> str:
    """params/<layer>.h: the thresholds."""
    return render("thresholds.h.j2", dict(layer=layer))
