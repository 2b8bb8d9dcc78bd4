"""Code generation for the width converter (``hwnas.hw.dwc``): FINN's ``StreamingDataWidthConverter``,
or one the graph lacks between two kernels whose words differ (``hwnas.codegen.layers``), to
``hwnas::width_convert``."""

from __future__ import annotations

import numpy as np

from hwnas.hw.dwc import KIND

FINN_OP = "StreamingDataWidthConverter"
HEADER = "dwc.hpp"
CALL = """\
        hwnas::width_convert<{{ layer.in_width }}, {{ layer.out_width }}, {{ layer.in_words }}>(in0, out0);
"""


def read(model, node, inst) -> dict:
    in_width, out_width = inst.get_nodeattr("inWidth"), inst.get_nodeattr("outWidth")
    total_bits = int(np.prod(inst.get_nodeattr("inShape"))) * inst.get_input_datatype().bitwidth()
    return width_converter(in_width, out_width, total_bits // in_width)


def width_converter(in_width: int, out_width: int, in_words: int) -> dict:
    return dict(
        kind=KIND, in_width=in_width, out_width=out_width, in_words=in_words,
        out_words=in_words * in_width // out_width,
    )
