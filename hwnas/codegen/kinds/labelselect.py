"""Code generation for the top-1 label node (``hwnas.hw.labelselect``): FINN's ``LabelSelect`` to
``hwnas::label_select``."""

from __future__ import annotations

from hwnas.codegen.kinds import elem
from hwnas.errors import UserError
from hwnas.hw.labelselect import KIND

FINN_OP = "LabelSelect"
HEADER = "labelselect.hpp"
CALL = """\
        hwnas::label_select<{{ layer.labels }}, {{ layer.pe }}, {{ layer.bits }}, {{ layer.signed | lower }}, {{ layer.out_bits }}>(in0, out0);
"""


def read(model, node, inst) -> dict:
    if inst.get_nodeattr("K") != 1:
        raise UserError(f"{node.name}: the generated design selects the top-1 label; K={inst.get_nodeattr('K')}")
    bits, signed = elem(inst.get_input_datatype())
    pe, out_bits = inst.get_nodeattr("PE"), elem(inst.get_output_datatype())[0]
    return dict(
        kind=KIND, labels=inst.get_nodeattr("Labels"), pe=pe, bits=bits, signed=signed,
        out_bits=out_bits, in_width=pe * bits, out_width=out_bits, out_words=1,
    )
