"""The channel concatenation's RTL kernel (``hwnas_concat``): three input ports, unused ones tied off."""

from __future__ import annotations

from hwnas.rtl.kinds import flag

MODULE = "hwnas_concat"
FIXED_INPUTS = 3


def parameters(layer: dict, files: dict) -> dict:
    ins = layer["ins"] + [dict(channels=0, bits=1, signed=False)] * (FIXED_INPUTS - len(layer["ins"]))
    parameters = dict(NUM_VECS=layer["vectors"], SIMD=layer["simd"], N_INPUTS=len(layer["ins"]))
    for k, port in enumerate(ins):
        parameters |= {f"C{k}": port["channels"], f"IN{k}_BITS": port["bits"], f"IN{k}_SIGNED": flag(port["signed"])}
    return parameters | dict(OUT_BITS=layer["out_bits"])
