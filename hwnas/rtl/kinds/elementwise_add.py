"""The two-stream add's RTL kernel (``hwnas_add``)."""

from __future__ import annotations

from hwnas.rtl.kinds import flag

MODULE = "hwnas_add"


def parameters(layer: dict, files: dict) -> dict:
    return dict(
        PE=layer["pe"], WORDS=layer["words"], LHS_BITS=layer["lhs_bits"], LHS_SIGNED=flag(layer["lhs_signed"]),
        RHS_BITS=layer["rhs_bits"], RHS_SIGNED=flag(layer["rhs_signed"]), OUT_BITS=layer["out_bits"],
    )
