"""Everything a killed run needs to go on: written after every epoch, each file atomically.

``OUT/checkpoints/epoch-NNN.pt`` is the model after epoch NNN in the shared checkpoint format
(:func:`hwnas.model.save_checkpoint`); ``OUT/train-state.pt`` names it and holds the optimizer,
schedule, settings and per-epoch history. The state file is replaced only once the checkpoint it
names is complete, so a kill at any moment leaves the last finished epoch to resume from.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from hwnas.arch.spec import Arch
from hwnas.errors import UserError

STATE_FILE = "train-state.pt"
CHECKPOINT_DIR = "checkpoints"
FORMAT = "hwnas-train-state-1"


@dataclass(frozen=True)
class SavedState:
    epoch: int  # epochs finished
    checkpoint: Path
    optimizer: dict
    schedule: dict
    history: list[dict]
    config: dict
    arch: dict


def _atomic(path: Path, write) -> None:
    partial = path.with_name(path.name + ".partial")
    write(partial)
    os.replace(partial, path)


def save_state(out_dir: Path, *, model, arch: Arch, epoch: int, optimizer, schedule, history: list[dict], config: dict) -> Path:
    import torch

    from hwnas.model import save_checkpoint

    folder = out_dir / CHECKPOINT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    checkpoint = folder / f"epoch-{epoch:03d}.pt"
    _atomic(checkpoint, lambda path: save_checkpoint(model, arch, path))
    state = {
        "format": FORMAT,
        "epoch": epoch,
        "checkpoint": checkpoint.relative_to(out_dir).as_posix(),
        "optimizer": optimizer.state_dict(),
        "schedule": schedule.state_dict(),
        "history": history,
        "config": config,
        "arch": arch.to_dict(),
    }
    _atomic(out_dir / STATE_FILE, lambda path: torch.save(state, path))
    for older in folder.glob("epoch-*.pt"):
        if older != checkpoint:
            older.unlink()
    return checkpoint


def load_state(out_dir: Path) -> SavedState | None:
    """The state of the run in ``out_dir``, or None when no epoch has finished there."""
    import torch

    path = out_dir / STATE_FILE
    if not path.is_file():
        return None
    try:
        raw = torch.load(path, map_location="cpu", weights_only=True)
    except (RuntimeError, OSError, EOFError, pickle.UnpicklingError) as exc:
        raise UserError(f"{path} is damaged ({str(exc).splitlines()[0]}); delete {out_dir} to start over") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise UserError(f"{path} is not an hwnas training state; use another --out")
    checkpoint = out_dir / raw["checkpoint"]
    if not checkpoint.is_file():
        raise UserError(f"{path} names {checkpoint}, which is missing; delete {out_dir} to start over")
    return SavedState(
        epoch=raw["epoch"],
        checkpoint=checkpoint,
        optimizer=raw["optimizer"],
        schedule=raw["schedule"],
        history=raw["history"],
        config=raw["config"],
        arch=raw["arch"],
    )
