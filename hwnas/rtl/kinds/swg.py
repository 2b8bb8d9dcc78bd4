"""The sliding-window unit's RTL kernel (``hwnas_swg``)."""

from __future__ import annotations

MODULE = "hwnas_swg"


def parameters(layer: dict, files: dict) -> dict:
    return dict(
        CH=layer["channels"], IFM_H=layer["ifm_h"], IFM_W=layer["ifm_w"], OFM_H=layer["ofm_h"], OFM_W=layer["ofm_w"],
        K_H=layer["k_h"], K_W=layer["k_w"], STRIDE_H=layer["s_h"], STRIDE_W=layer["s_w"], DIL_H=layer["d_h"],
        DIL_W=layer["d_w"], SIMD=layer["simd"], BITS=layer["bits"],
        GROUP=layer["k_h"] * layer["k_w"] if layer["parallel"] else 1,
    )
