"""Training of a spec's binary network: the BNN recipe, resumable, with per-epoch checkpoints."""

from hwnas.train.config import TrainConfig
from hwnas.train.device import resolve_device
from hwnas.train.loop import TrainResult, evaluate, train
from hwnas.train.metrics import EpochRecord

__all__ = ["EpochRecord", "TrainConfig", "TrainResult", "evaluate", "resolve_device", "train"]
