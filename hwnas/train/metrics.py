"""``metrics.json``: the run's settings, its per-epoch record and its test accuracy."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

METRICS_FILE = "metrics.json"


@dataclass(frozen=True)
class EpochRecord:
    epoch: int
    train_loss: float
    train_accuracy: float
    lr: float  # at the start of the epoch
    seconds: float

    def summary(self, epochs: int) -> str:
        return (
            f"epoch {self.epoch}/{epochs}: loss {self.train_loss:.4f}, train accuracy {100 * self.train_accuracy:.2f}%, "
            f"lr {self.lr:.3g}, {self.seconds:.1f} s"
        )


def write_metrics(out_dir: Path, metrics: dict) -> Path:
    path = out_dir / METRICS_FILE
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(metrics, indent=2) + "\n")
    os.replace(partial, path)
    return path


def history_records(history: list[dict]) -> list[EpochRecord]:
    return [EpochRecord(**entry) for entry in history]


def record_dicts(records: list[EpochRecord]) -> list[dict]:
    return [asdict(r) for r in records]
