"""The padding node's RTL kernel (``hwnas_fmpadding``)."""

from __future__ import annotations

MODULE = "hwnas_fmpadding"


def parameters(layer: dict, files: dict) -> dict:
    return dict(
        IN_H=layer["in_h"], IN_W=layer["in_w"], PAD_TOP=layer["top"], PAD_LEFT=layer["left"], PAD_BOTTOM=layer["bottom"],
        PAD_RIGHT=layer["right"], CH=layer["channels"], SIMD=layer["simd"], BITS=layer["bits"],
    )
