"""Code generation for the fan-out node (``hwnas.hw.duplicate``): FINN's ``DuplicateStreams`` to
``hwnas::duplicate``, one output stream per branch."""

from __future__ import annotations

from hwnas.codegen.kinds import elem, vectors
from hwnas.hw.duplicate import KIND

FINN_OP = "DuplicateStreams"
HEADER = "duplicate.hpp"
CALL = """\
        hwnas::duplicate<{{ layer.in_width }}, {{ layer.out_words }}>(in0{% for k in range(layer.branches) %}, out{{ k }}{% endfor %});
"""


def read(model, node, inst) -> dict:
    pe, channels = inst.get_nodeattr("PE"), inst.get_nodeattr("NumChannels")
    outputs = inst.get_nodeattr("NumOutputStreams")
    width = pe * elem(inst.get_input_datatype())[0]
    return dict(
        kind=KIND, branches=outputs, in_width=width, out_width=width,
        out_words=vectors(inst) * (channels // pe),
    )
