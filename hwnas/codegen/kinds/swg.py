"""Code generation for the sliding-window unit (``hwnas.hw.swg``): FINN's
``ConvolutionInputGenerator`` to ``hwnas::sliding_window`` (or ``_parallel``)."""

from __future__ import annotations

from hwnas.codegen.kinds import base_op_type, elem
from hwnas.errors import UserError
from hwnas.hw.swg import KIND

FINN_OP = "ConvolutionInputGenerator"
HEADER = "swg.hpp"
CALL = """\
        hwnas::sliding_window{{ '_parallel' if layer.parallel }}<{{ layer.channels }}, {{ layer.ifm_h }}, {{ layer.ifm_w }}, {{ layer.ofm_h }}, {{ layer.ofm_w }}, {{ layer.k_h }}, {{ layer.k_w }}, {{ layer.s_h }}, {{ layer.s_w }}, {{ layer.d_h }}, {{ layer.d_w }}, {{ layer.simd }}, {{ layer.bits }}>(in0, out0);
"""


def read(model, node, inst) -> dict:
    if inst.get_nodeattr("depthwise") and not _feeds_pool(model, node):
        raise UserError(f"{node.name}: a depthwise sliding window only feeds pooling in hwnas's designs")
    ifm_h, ifm_w = inst.get_nodeattr("IFMDim")
    ofm_h, ofm_w = inst.get_nodeattr("OFMDim")
    k_h, k_w = inst.get_nodeattr("ConvKernelDim")
    s_h, s_w = inst.get_nodeattr("Stride")
    d_h, d_w = inst.get_nodeattr("Dilation")
    simd, bits = inst.get_nodeattr("SIMD"), elem(inst.get_input_datatype())[0]
    channels = inst.get_nodeattr("IFMChannels")
    parallel = bool(inst.get_nodeattr("parallel_window"))
    # parallel_window=1 sends a whole window of SIMD channels per word (FINN's folded output shape)
    group = k_h * k_w if parallel else 1
    return dict(
        kind=KIND, channels=channels, ifm_h=ifm_h, ifm_w=ifm_w, ofm_h=ofm_h, ofm_w=ofm_w, k_h=k_h, k_w=k_w,
        s_h=s_h, s_w=s_w, d_h=d_h, d_w=d_w, simd=simd, bits=bits, parallel=parallel,
        in_width=simd * bits, out_width=group * simd * bits,
        out_words=ofm_h * ofm_w * k_h * k_w * (channels // simd) // group,
    )


def _feeds_pool(model, node) -> bool:
    consumers = model.find_consumers(node.output[0]) or []
    return all(base_op_type(c.op_type) in ("Pool", "StreamingFIFO", "StreamingDataWidthConverter") for c in consumers)
