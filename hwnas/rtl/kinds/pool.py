"""The max-pool node's RTL kernel (``hwnas_pool``)."""

from __future__ import annotations

from hwnas.rtl.kinds import flag

MODULE = "hwnas_pool"


def parameters(layer: dict, files: dict) -> dict:
    return dict(
        CH=layer["channels"], PE=layer["pe"], K2=layer["k2"], NUM_PIXELS=layer["pixels"], BITS=layer["bits"],
        SIGNED=flag(layer["signed"]),
    )
