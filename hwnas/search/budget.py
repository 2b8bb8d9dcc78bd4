"""How much work a search does: ``quick`` (minutes on a laptop CPU), ``standard``, ``full`` (a GPU)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from hwnas.errors import UserError


@dataclass(frozen=True)
class Budget:
    name: str
    train_subset: int | None  # training images used (seeded draw); None: the whole split minus validation
    validation: int  # held-out training images that rank candidates (the test split is for the end)
    calibration: int  # images that recalibrate a subnet's BatchNorm
    supernet_epochs: int
    trials: int
    population: int  # NSGA-II population
    final_candidates: int  # Pareto points trained after the search
    final_epochs: int
    final_from: str  # "inherited" (fine-tune the supernet's weights) or "scratch"
    lowering_check_images: int  # test images run through FINN's execution of the lowered graph

    def describe(self) -> str:
        data = "all training images" if self.train_subset is None else f"{self.train_subset:,} training images"
        return (
            f"budget {self.name}: {data}, supernet {self.supernet_epochs} epochs, {self.trials} trials, "
            f"best {self.final_candidates} trained {self.final_epochs} epochs "
            + ("from the supernet's weights" if self.final_from == "inherited" else "from scratch")
        )

    def to_dict(self) -> dict:
        return asdict(self)


BUDGETS = {
    b.name: b
    for b in (
        # Reduced data and epochs so the whole search ends within 10 minutes on 2 CPU cores.
        Budget("quick", 12_000, 2_000, 1_000, 3, 48, 16, 1, 2, "inherited", 200),
        Budget("standard", None, 5_000, 2_000, 15, 160, 20, 3, 10, "scratch", 500),
        Budget("full", None, 5_000, 5_000, 60, 400, 40, 5, 40, "scratch", 1_000),
    )
}


def get_budget(name: str) -> Budget:
    if name not in BUDGETS:
        raise UserError(f"unknown budget {name!r}; known: {', '.join(BUDGETS)}")
    return BUDGETS[name]
