"""Code generation for the padding node (``hwnas.hw.padding``): FINN's ``FMPadding`` to
``hwnas::fm_padding``."""

from __future__ import annotations

from hwnas.codegen.kinds import elem
from hwnas.hw.padding import KIND

FINN_OP = "FMPadding"
HEADER = "fmpadding.hpp"
CALL = """\
        hwnas::fm_padding<{{ layer.in_h }}, {{ layer.in_w }}, {{ layer.top }}, {{ layer.left }}, {{ layer.bottom }}, {{ layer.right }}, {{ layer.channels }}, {{ layer.simd }}, {{ layer.bits }}>(in0, out0);
"""


def read(model, node, inst) -> dict:
    h, w = inst.get_nodeattr("ImgDim")
    top, left, bottom, right = inst.get_nodeattr("Padding")
    simd, bits = inst.get_nodeattr("SIMD"), elem(inst.get_input_datatype())[0]
    return dict(
        kind=KIND, in_h=h, in_w=w, top=top, left=left, bottom=bottom, right=right,
        channels=inst.get_nodeattr("NumChannels"), simd=simd, bits=bits, in_width=simd * bits, out_width=simd * bits,
        out_words=(h + top + bottom) * (w + left + right) * (inst.get_nodeattr("NumChannels") // simd),
    )
