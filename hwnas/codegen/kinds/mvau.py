"""Code generation for the MVAU (``hwnas.hw.mvau``): FINN's ``MVAU`` to ``hwnas::mvau`` with its
weight (and threshold) header."""

from __future__ import annotations

import numpy as np

from hwnas.codegen.kinds import elem, signed_bits, vectors
from hwnas.codegen.params import mvau_weight_words, threshold_table
from hwnas.codegen.render import render
from hwnas.errors import UserError
from hwnas.hw.mvau import KIND, accumulator_range

FINN_OP = "MVAU"
HEADER = "mvau.hpp"
SETUP = """\
// Weights split per PE so every PE reads its tile in the same cycle (II=1 in hwnas::mvau).
#pragma HLS ARRAY_PARTITION variable = {{ layer.name }}_weights complete dim = 1
{% if layer.thresholds is not none %}
#pragma HLS ARRAY_PARTITION variable = {{ layer.name }}_thresholds complete dim = 1
#pragma HLS ARRAY_PARTITION variable = {{ layer.name }}_thresholds complete dim = 3
    const hwnas::ThresholdActivation<{{ layer.pe }}, {{ layer.mh // layer.pe }}, {{ layer.steps }}, {{ layer.name }}_acc_t, {{ layer.bias }}> activation({{ layer.name }}_thresholds);
{% else %}
    const hwnas::NoActivation activation;
{% endif %}
"""
CALL = """\
        hwnas::mvau<{{ layer.mw }}, {{ layer.mh }}, {{ layer.simd }}, {{ layer.pe }}, {{ layer.vectors }}, {{ layer.in_bits }}, {{ layer.in_signed | lower }}, {{ layer.xnor | lower }}, {{ layer.out_bits }}, {{ layer.name }}_acc_t>(
            in0, out0, {{ layer.name }}_weights, activation);
"""


def read(model, node, inst) -> dict:
    from qonnx.core.datatype import DataType

    mw, mh = inst.get_nodeattr("MW"), inst.get_nodeattr("MH")
    pe, simd = inst.get_nodeattr("PE"), inst.get_nodeattr("SIMD")
    idt, wdt, odt = inst.get_input_datatype(0), inst.get_input_datatype(1), inst.get_output_datatype()
    weights = model.get_initializer(node.input[1])
    xnor = bool(inst.get_nodeattr("binaryXnorMode"))
    if not xnor and idt == DataType["BIPOLAR"] and wdt == DataType["BIPOLAR"]:
        xnor = True  # FINN computes this case as XNOR-popcount of the 0/1 encodings too
        weights = (weights + 1) / 2
    if xnor:
        in_bits, in_signed = 1, False
        acc_lo, acc_hi = accumulator_range(mw, xnor=True, largest_input=1)
        weight_words = mvau_weight_words(weights, pe=pe, simd=simd, bipolar=False)
    else:
        # FINN's MinimizeWeightBitWidth may retype bipolar weights as INT2; the values still are -1/+1
        if wdt != DataType["BIPOLAR"] and not np.isin(weights, (-1, 1)).all():
            raise UserError(f"{node.name}: C++ generation supports bipolar (-1/+1) weights only, found {wdt.name}")
        in_bits, in_signed = elem(idt)
        largest = max(abs(int(idt.min())), abs(int(idt.max())))
        acc_lo, acc_hi = accumulator_range(mw, xnor=False, largest_input=largest)
        weight_words = mvau_weight_words(weights, pe=pe, simd=simd, bipolar=True)
    out_bits, _ = elem(odt)
    context = dict(
        kind=KIND, mw=mw, mh=mh, pe=pe, simd=simd, vectors=vectors(inst), in_bits=in_bits,
        in_signed=in_signed, xnor=xnor, out_bits=out_bits, weight_words=weight_words.tolist(),
        tiles=weight_words.shape[1], thresholds=None, in_width=simd * in_bits, out_width=pe * out_bits,
        out_words=vectors(inst) * (mh // pe),
    )
    if not inst.get_nodeattr("noActivation"):
        table = threshold_table(model.get_initializer(node.input[2]), channels=mh, pe=pe)
        # Thresholds below (above) the accumulator's range always (never) fire; clipping them to
        # acc_lo (acc_hi + 1) keeps the function and bounds the comparison width.
        table = np.clip(table, acc_lo, acc_hi + 1)
        context["thresholds"] = table.tolist()
        context["steps"] = table.shape[2]
        context["bias"] = 0 if odt == DataType["BIPOLAR"] else int(inst.get_nodeattr("ActVal"))
    context["acc_bits"] = signed_bits(acc_lo, acc_hi + 1)
    return context


def _weight_c_type(simd: int) -> str:
    for bits in (8, 16, 32, 64):
        if simd <= bits:
            return f"uint{bits}_t"
    raise ValueError(f"no plain integer type holds {simd} bits")


def params(layer: dict) -> str:
    """params/<layer>.h: the weight words (and thresholds)."""
    return render("params.h.j2", dict(layer=layer, weight_c_type=_weight_c_type(layer["simd"]) if layer["simd"] <= 64 else ""))
