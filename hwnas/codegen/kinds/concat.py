"""Code generation for the channel concatenation (``hwnas.hw.concat``): FINN's ``StreamingConcat``
to ``hwnas::concat`` over 2 or 3 input streams."""

from __future__ import annotations

from hwnas.codegen.kinds import elem, vectors
from hwnas.errors import UserError
from hwnas.hw.concat import KIND

FINN_OP = "StreamingConcat"
HEADER = "concat.hpp"
CALL = """\
        hwnas::concat<{{ layer.vectors }}, {{ layer.simd }}{% for i in layer.ins %}, {{ i.channels }}, {{ i.bits }}, {{ i.signed | lower }}{% endfor %}, {{ layer.out_bits }}>({% for i in layer.ins %}in{{ loop.index0 }}, {% endfor %}out0);
"""


def read(model, node, inst) -> dict:
    from qonnx.core.datatype import DataType

    channels = list(inst.get_nodeattr("ChannelsPerStream"))
    if len(channels) not in (2, 3):
        raise UserError(f"{node.name}: the generated design concatenates 2 or 3 streams, not {len(channels)}")
    simd = inst.get_nodeattr("SIMD")
    types = [inst.get_input_datatype(i) for i in range(len(channels))]
    out_type = inst.get_output_datatype()
    if DataType["BIPOLAR"] in types and any(t != DataType["BIPOLAR"] for t in types + [out_type]):
        raise UserError(f"{node.name}: concatenating a bipolar stream with integers is not supported")
    ins = [dict(channels=c, bits=elem(t)[0], signed=elem(t)[1]) for c, t in zip(channels, types)]
    out_bits = elem(out_type)[0]
    count = vectors(inst)
    return dict(
        kind=KIND, simd=simd, vectors=count, ins=ins, out_bits=out_bits,
        in_widths=[simd * i["bits"] for i in ins], in_width=simd * ins[0]["bits"], out_width=simd * out_bits,
        out_words=count * sum(channels) // simd,
    )
