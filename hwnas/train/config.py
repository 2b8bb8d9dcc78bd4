"""The settings of one training run; a resumed run must have the same ones."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from hwnas.errors import UserError


@dataclass(frozen=True)
class TrainConfig:
    dataset: str
    epochs: int
    batch_size: int = 128
    lr: float = 0.01
    weight_decay: float = 0.0  # BatchNorm and logit scale only: binary latent weights never decay
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
        if self.weight_decay < 0:
            raise UserError(f"--weight-decay must not be negative, got {self.weight_decay}")

    def to_dict(self) -> dict:
        return asdict(self)

    def differences(self, other: dict) -> list[str]:
        """The settings, other than those a resume may change, in which ``other`` differs."""
        return [
            f"{f.name}: {other.get(f.name)!r} there, {getattr(self, f.name)!r} now"
            for f in fields(self)
            if f.name not in self.RESUMABLE_CHANGES and other.get(f.name) != getattr(self, f.name)
        ]
