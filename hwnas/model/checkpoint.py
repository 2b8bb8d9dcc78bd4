"""Checkpoints: the state_dict and, beside it, the spec it belongs to."""

from __future__ import annotations

import pickle
from pathlib import Path

from hwnas.arch.spec import Arch, arch_from_dict
from hwnas.errors import UserError

FORMAT = "hwnas-checkpoint-2"
# Format 1 held an nn.Sequential of chains: the same tensors in the same order under flat indices.
SEQUENTIAL_FORMAT = "hwnas-checkpoint-1"


def save_checkpoint(model, arch: Arch, path: str | Path) -> Path:
    import torch

    path = Path(path)
    torch.save({"format": FORMAT, "arch": arch.to_dict(), "state_dict": model.state_dict()}, path)
    return path


def load_checkpoint(path: str | Path):
    """Return ``(model, arch)``; the model is in eval mode."""
    import torch

    from hwnas.model.build import build_model

    path = Path(path)
    if not path.is_file():
        raise UserError(f"checkpoint not found: {path}")
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except (RuntimeError, OSError, EOFError, pickle.UnpicklingError) as exc:
        raise UserError(f"{path} is not a readable torch checkpoint: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict) or data.get("format") not in (FORMAT, SEQUENTIAL_FORMAT):
        raise UserError(f"{path} is not an hwnas checkpoint (save it with hwnas.model.save_checkpoint)")
    arch = arch_from_dict(data["arch"], source=str(path))
    model = build_model(arch)
    state = data["state_dict"]
    if data["format"] == SEQUENTIAL_FORMAT and len(state) == len(model.state_dict()):
        state = dict(zip(model.state_dict(), state.values()))
    try:
        model.load_state_dict(state)
    except RuntimeError as exc:
        raise UserError(f"{path}: weights do not fit its spec: {str(exc).splitlines()[0]}") from None
    model.eval()
    return model, arch
