"""How the supernet is trained: the options of the sandwich rule, kept free of torch so that the
search's settings and cache keys can name them without importing it."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class SupernetRecipe:
    """The supernet's training recipe. The defaults are the plain sandwich rule: the options below
    were measured (README, "Kendall's tau") and did not rank conv subnets measurably better at the
    ``quick`` budget (tau +0.41 -> +0.42 with all three), while distilling from a still poor
    largest subnet cost the smallest one accuracy on small synthetic data.

    - ``warmup_share``: the first share of the steps trains the largest subnet alone (BigNAS,
      NAS-BNN), so that the channels only wide subnets use are trained before small subnets
      start pulling the shared leading channels their way.
    - ``distill``: in-place distillation: every other subnet of a sandwich step learns the largest
      subnet's softened predictions of the same batch instead of the labels (BigNAS, NAS-BNN).
    - ``clip_latent``: latent binary weights are kept in [-1, 1] after each step (BinaryConnect),
      as :func:`hwnas.train.optim.clip_binary_weights` does for final training: beyond it the
      straight-through gradient is zero and a weight's sign is frozen for good.
    """

    lr: float = 1e-2
    random_subnets: int = 2
    warmup_share: float = 0.0
    distill: bool = False
    clip_latent: bool = False

    def __post_init__(self) -> None:
        if not 0.0 <= self.warmup_share < 1.0:
            raise ValueError(f"warmup_share must be in [0, 1), got {self.warmup_share}")

    def to_dict(self) -> dict:
        return asdict(self)
