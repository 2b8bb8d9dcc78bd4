"""The settings of one training run; a resumed run must have the same ones."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from hwnas.errors import UserError


# Settings added after runs were first saved, with the value every run before them used.
LEGACY = {"label_smoothing": 0.0, "warmup_share": 0.0}


@dataclass(frozen=True)
class TrainConfig:
    dataset: str
    epochs: int
    # The recipe measured on a binary conv chain (README, "Training recipe"): batch 64, label
    # smoothing 0.1 and a 5% warm-up before the cosine.
    batch_size: int = 64
    lr: float = 0.01
    weight_decay: float = 0.0  # BatchNorm and logit scale only: binary latent weights never decay
    label_smoothing: float = 0.1  # share of each target spread evenly over the classes
    warmup_share: float = 0.05  # share of the steps over which the learning rate rises linearly from 0
    seed: int = 0
    device: str = "cpu"
    threads: int | None = None  # CPU threads for torch; None: torch's default (all cores)
    train_subset: int | None = None  # examples drawn (seeded) from the training split; None: all
    test_subset: int | None = None

    # Settings that may differ when a run is resumed: they do not change what is computed.
    RESUMABLE_CHANGES = ("device", "threads")

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size"):
            if getattr(self, name) < 1:
                raise UserError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        for name in ("train_subset", "test_subset", "threads"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise UserError(f"--{name.replace('_', '-')} must be at least 1, got {value}")
        if not self.lr > 0:
            raise UserError(f"--lr must be positive, got {self.lr}")
        for name in ("label_smoothing", "warmup_share"):
            if not 0.0 <= getattr(self, name) < 1.0:
                raise UserError(f"--{name.replace('_', '-')} must be in [0, 1), got {getattr(self, name)}")
        if self.weight_decay < 0:
            raise UserError(f"--weight-decay must not be negative, got {self.weight_decay}")

    def to_dict(self) -> dict:
        return asdict(self)

    def digest(self) -> str:
        """A short digest of the settings that change what is computed (not device or threads):
        the part of a cached run's folder name that keeps runs of another recipe apart."""
        import hashlib
        import json

        kept = {k: v for k, v in self.to_dict().items() if k not in self.RESUMABLE_CHANGES}
        return hashlib.sha256(json.dumps(kept, sort_keys=True).encode()).hexdigest()[:8]

    def differences(self, other: dict) -> list[str]:
        """The settings, other than those a resume may change, in which ``other`` differs. A setting
        an older hwnas did not record had the value that hwnas always used (``LEGACY``)."""
        return [
            f"{f.name}: {other.get(f.name, LEGACY.get(f.name))!r} there, {getattr(self, f.name)!r} now"
            for f in fields(self)
            if f.name not in self.RESUMABLE_CHANGES and other.get(f.name, LEGACY.get(f.name)) != getattr(self, f.name)
        ]
