"""The fan-out node's RTL kernel (``hwnas_duplicate``): its branches leave through one packed port."""

from __future__ import annotations

MODULE = "hwnas_duplicate"
PACKED_OUTPUTS = True


def parameters(layer: dict, files: dict) -> dict:
    return dict(WIDTH=layer["in_width"], WORDS=layer["out_words"], BRANCHES=layer["branches"])
