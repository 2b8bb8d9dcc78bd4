"""The width converter's RTL kernel (``hwnas_dwc``)."""

from __future__ import annotations

MODULE = "hwnas_dwc"


def parameters(layer: dict, files: dict) -> dict:
    return dict(IN_W=layer["in_width"], OUT_W=layer["out_width"], IN_WORDS=layer["in_words"])
