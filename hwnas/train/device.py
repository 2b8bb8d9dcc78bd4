"""The torch device a run asks for, checked before any work starts."""

from __future__ import annotations

import re

from hwnas.errors import UserError

_PATTERN = re.compile(r"cpu|cuda(:\d+)?")


def resolve_device(name: str):
    """``cpu``, ``cuda`` or ``cuda:N`` as a ``torch.device``; a UserError when it is not there."""
    import torch

    if not _PATTERN.fullmatch(name):
        raise UserError(f"--device must be cpu, cuda or cuda:N, got {name!r}")
    if name == "cpu":
        return torch.device("cpu")
    if not torch.cuda.is_available():
        build = f"built for CUDA {torch.version.cuda}" if torch.version.cuda else "a CPU-only build"
        raise UserError(
            f"--device {name} asked for a CUDA GPU, but torch {torch.__version__} ({build}) sees none; "
            "train with --device cpu, or install a CUDA build of torch on a machine with an NVIDIA GPU"
        )
    device = torch.device(name)
    if device.index is not None and device.index >= torch.cuda.device_count():
        raise UserError(f"--device {name}: this machine has {torch.cuda.device_count()} CUDA device(s)")
    return device
