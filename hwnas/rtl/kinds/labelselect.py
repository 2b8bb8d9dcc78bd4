"""The top-1 label node's RTL kernel (``hwnas_labelselect``)."""

from __future__ import annotations

from hwnas.rtl.kinds import flag

MODULE = "hwnas_labelselect"


def parameters(layer: dict, files: dict) -> dict:
    return dict(
        LABELS=layer["labels"], PE=layer["pe"], BITS=layer["bits"], SIGNED=flag(layer["signed"]),
        OUT_BITS=layer["out_bits"],
    )
