"""FINN's reference binary networks (Brevitas bnn_pynq examples), sized for a dataset.

``examples/archs/*.yaml`` hold the same networks for MNIST and CIFAR-10; a test keeps them equal.
"""

from __future__ import annotations

import math

from hwnas.arch.spec import Arch, Conv, FlatInput, ImageInput, Linear, MaxPool, arch_from_dict

MLP_WIDTHS = {"tfc-w1a1": 64, "sfc-w1a1": 256, "lfc-w1a1": 1024}
CNV_LAYERS = (
    Conv(64, 3), Conv(64, 3), MaxPool(2), Conv(128, 3), Conv(128, 3), MaxPool(2), Conv(256, 3), Conv(256, 3),
    Linear(512), Linear(512),
)


def reference_archs(image_shape: tuple[int, int, int], classes: int) -> list[Arch]:
    """The references that fit images of ``image_shape``: CNV for 3x32x32, else the MLPs on
    binarised pixels, as FINN runs them on MNIST."""
    if tuple(image_shape) == (3, 32, 32):
        archs = [Arch("cnv-w1a1", ImageInput(3, 32, 32, 8), classes, (*CNV_LAYERS, Linear(classes)))]
    else:
        features = math.prod(image_shape)
        archs = [
            Arch(name, FlatInput(features, 1), classes, (Linear(width), Linear(width), Linear(width), Linear(classes)))
            for name, width in MLP_WIDTHS.items()
        ]
    return [arch_from_dict(a.to_dict(), source=a.name) for a in archs]
