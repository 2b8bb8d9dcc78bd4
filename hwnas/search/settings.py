"""The search's first step: what to search for (``SearchSettings``, from ``hwnas search``'s command
line or from Python) and the space it implies, checked against the board before anything is made."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hwnas.arch.spec import FlatInput, ImageInput
from hwnas.board import Board
from hwnas.data.dataset import Dataset
from hwnas.errors import UserError
from hwnas.search.budget import Budget
from hwnas.search.cells import CellSpace
from hwnas.search.recipe import SupernetRecipe
from hwnas.search.space import ConvSpace, MlpSpace, SearchSpace, describe
from hwnas.search.study import STUDY_NAME, judge
from hwnas.search.workers import Coordination, default_artifacts

SPACE_KINDS = ("auto", "mlp", "conv", "cell")
# What a CPU trains in the quick budget's minutes: cells on the stem's pooled map, one stage of cells
# after the first reduction, up to 16 channels.
QUICK_CELLS = CellSpace(stages=(2,), cells=(1, 2), widths=(8, 16), stem_pool=True, head_widths=(32, 64))


@dataclass(frozen=True)
class SearchSettings:
    dataset: str | Dataset  # a known name, the path of a folder or .npz, or an in-memory Dataset
    board: Board
    fps: float
    budget: Budget
    out_dir: Path
    cache_dir: Path  # supernets and reference trainings, shared by searches on the same dataset
    seed: int = 0
    space: str = "auto"
    device: str = "cpu"
    threads: int | None = None
    data_dir: Path | None = None
    progress: bool = True
    resize: tuple[int, int] | None = None  # (height, width) for own image files of mixed sizes
    storage: str | None = None  # an Optuna storage URL shared by the workers; None: SQLite in out_dir
    artifacts: Any = None  # an optuna.artifacts store or a folder for one; None: artifacts_folder()'s default
    heartbeat_s: int = 10  # a worker's task or trial is failed after grace_s without a heartbeat
    grace_s: int = 30
    strategy: str = "evolution"  # or "differentiable" (hwnas.search.differentiable)
    differentiable: Any = None  # its DartsOptions; None: the defaults
    recipe: SupernetRecipe = SupernetRecipe()  # how the supernet is trained (part of its cache key)
    cell_ops: tuple[str, ...] | None = None  # the cell space's ops (--cell-ops); None: all of cells.OPS

    def storage_url(self) -> str:
        return self.storage or f"sqlite:///{self.out_dir / 'study.db'}"

    def artifacts_folder(self) -> Path | None:
        """The artifact store's folder (None for a store object given from Python): ``artifacts``;
        without it the run folder's artifacts/ when the study is in the run folder, and with a
        ``storage`` one that every worker on this machine derives alike (:func:`default_artifacts`)."""
        if self.artifacts is not None:
            return Path(self.artifacts) if isinstance(self.artifacts, (str, Path)) else None
        if self.storage is None:
            return self.out_dir / "artifacts"
        return default_artifacts(self.storage, STUDY_NAME, self.cache_dir)

    def artifact_store(self):
        import optuna

        folder = self.artifacts_folder()
        if folder is None:
            return self.artifacts
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot create the artifact folder {folder}: {exc.strerror}") from None
        return optuna.artifacts.FileSystemArtifactStore(str(folder))

    def artifacts_description(self) -> str:
        folder = self.artifacts_folder()
        return f"this worker's artifact folder {folder}" if folder is not None else "this worker's artifact store"

    def coordination(self) -> Coordination:
        return Coordination(self.storage_url(), self.heartbeat_s, self.grace_s)

    def dataset_name(self) -> str:
        return self.dataset if isinstance(self.dataset, str) else self.dataset.name

    def identity(self) -> dict:
        """What a resumed run must share with the run it resumes."""
        return {
            "dataset": self.dataset_name(), "board": self.board.name, "clock_mhz": self.board.clock_mhz, "fps": self.fps,
            "budget": self.budget.name, "seed": self.seed, "space": self.space,
            **({"strategy": self.strategy} if self.strategy != "evolution" else {}),
            **({"cell_ops": list(self.cell_ops)} if self.cell_ops is not None else {}),
        }


def choose_space(image_shape: tuple[int, int, int], classes: int, kind: str, *, budget: Budget,
                 cell_ops: tuple[str, ...] | None = None) -> SearchSpace:
    """``auto``: an MLP space for single-channel images (where FINN's references are MLPs),
    a conv space otherwise (the README says why not the cell space); ``quick`` keeps conv and cell
    widths small enough for a CPU. ``cell_ops``: the cell space's op set (``--cell-ops``)."""
    if kind not in SPACE_KINDS:
        raise UserError(f"unknown --space {kind!r}; known: {', '.join(SPACE_KINDS)}")
    c, h, w = image_shape
    if kind == "auto":
        kind = "mlp" if c == 1 else "conv"
    if cell_ops is not None and kind != "cell":
        raise UserError(f"--cell-ops sets the cell space's ops; this search's space is {kind} (add --space cell)")
    if kind == "mlp":
        return SearchSpace(FlatInput(c * h * w, 8), classes, MlpSpace())
    if kind == "cell":
        cells = QUICK_CELLS if budget.name == "quick" else CellSpace()
        return SearchSpace(ImageInput(c, h, w, 8), classes, cells if cell_ops is None else dataclasses.replace(cells, ops=cell_ops))
    conv = ConvSpace(widths=(16, 32, 64), head_widths=(64, 128)) if budget.name == "quick" else ConvSpace()
    return SearchSpace(ImageInput(c, h, w, 8), classes, conv)


def check_reachable(space: SearchSpace, board: Board, fps: float) -> None:
    """End early, with numbers, when no architecture of the space can work at ``fps`` on ``board``."""
    smallest = space.smallest()
    if not judge(smallest, board, 1.0).feasible:
        raise UserError(
            f"board {board.name} is too small for the smallest architecture of the space "
            f"({describe(smallest)}): it does not fit even at 1 fps"
        )
    if not judge(smallest, board, fps).feasible:
        from hwnas.cost import reachable_fps

        reachable, binding = reachable_fps(smallest, board)
        raise UserError(
            f"no architecture in the space reaches {fps:,.0f} fps on {board.name}: the smallest "
            f"({describe(smallest)}) reaches at most {reachable:,.0f} fps there, beyond it {binding} runs out first; "
            "ask for that or less"
        )
