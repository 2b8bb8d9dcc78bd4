"""Code generation for the two-stream add (``hwnas.hw.elementwise_add``): FINN's ``ElementwiseAdd``
to ``hwnas::elementwise_add``."""

from __future__ import annotations

import numpy as np

from hwnas.codegen.kinds import elem
from hwnas.errors import UserError
from hwnas.hw.elementwise_add import KIND

FINN_OP = "ElementwiseAdd"
HEADER = "add.hpp"
CALL = """\
        hwnas::elementwise_add<{{ layer.pe }}, {{ layer.words }}, {{ layer.lhs_bits }}, {{ layer.lhs_signed | lower }}, {{ layer.rhs_bits }}, {{ layer.rhs_signed | lower }}, {{ layer.out_bits }}>(in0, in1, out0);
"""


def read(model, node, inst) -> dict:
    from qonnx.core.datatype import DataType

    if inst.get_nodeattr("lhs_style") != "input" or inst.get_nodeattr("rhs_style") != "input":
        raise UserError(f"{node.name}: the generated design adds two streams, not a constant")
    if list(inst.get_nodeattr("lhs_shape")) != list(inst.get_nodeattr("rhs_shape")):
        raise UserError(f"{node.name}: the generated design adds streams of one shape (no broadcasting)")
    types = [inst.get_input_datatype(0), inst.get_input_datatype(1)]
    if DataType["BIPOLAR"] in types:
        # a bipolar stream carries 0/1 codes for -1/+1: hwnas requantises it onto the grid first
        raise UserError(f"{node.name}: adding a bipolar stream is not supported; threshold it onto an integer grid")
    (lhs_bits, lhs_signed), (rhs_bits, rhs_signed) = (elem(t) for t in types)
    out_bits = elem(inst.get_output_datatype())[0]
    pe = inst.get_nodeattr("PE")
    *pixels, channels = inst.get_nodeattr("out_shape")
    words = int(np.prod(pixels)) * channels // pe
    return dict(
        kind=KIND, pe=pe, words=words, lhs_bits=lhs_bits, lhs_signed=lhs_signed, rhs_bits=rhs_bits,
        rhs_signed=rhs_signed, out_bits=out_bits, in_widths=[pe * lhs_bits, pe * rhs_bits], in_width=pe * lhs_bits,
        out_width=pe * out_bits, out_words=words,
    )
