"""``hwnas search``: from a board, a frame rate and a dataset to a trained, lowered network.

Stages, each leaving its results in the study or the run folder so a killed run resumes where it
stopped: feasibility check (cost model) -> supernet (cached per dataset, reused across boards and
rates) -> Optuna study (SQLite in the run folder, or any --storage) -> Pareto front -> final
training of the best candidates -> reference networks trained the same way -> lowering of the
chosen network -> report. Several workers on one --storage share every stage (``workers.py``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hwnas.arch.reference import reference_archs
from hwnas.arch.spec import Arch, FlatInput, ImageInput
from hwnas.board import Board
from hwnas.data.dataset import Dataset, write_class_names
from hwnas.errors import UserError
from hwnas.logs import logging_to_file
from hwnas.search.budget import Budget
from hwnas.search.cells import CellSpace
from hwnas.search.recipe import SupernetRecipe
from hwnas.search.space import ConvSpace, MlpSpace, SearchSpace
from hwnas.search.final import (
    SearchOutcome, candidate_from, describe, final_config, lower_best, record_candidate, train_candidate, write_summary,
)
from hwnas.search.study import (
    STUDY_NAME, check_study_identity, judge, judging_fingerprint, open_study, pareto_trials, run_study, trial_records,
)
from hwnas.search.workers import (
    Coordination, Tasks, claim_worker_index, default_artifacts, download, open_storage, upload, worker_seed,
)

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


def _data_key(settings: SearchSettings, data_identity: dict) -> str:
    """The dataset's part of cache file names: its name, or for own data the folder's name and a
    digest of its content (so that edited data trains a new supernet)."""
    name = settings.dataset_name()
    if not data_identity:
        return name
    return f"{Path(name).name or 'data'}-{data_identity['data']}"


def supernet_path(settings: SearchSettings, space: SearchSpace, origin: str, data_key: str) -> Path:
    budget = settings.budget
    key = json.dumps(
        {"dataset": data_key, "origin": origin, "space": repr(space.space), "input": repr(space.input),
         "subset": budget.train_subset, "validation": budget.validation, "epochs": budget.supernet_epochs,
         "seed": settings.seed, "recipe": settings.recipe.to_dict()},
        sort_keys=True,
    )
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return settings.cache_dir / "supernets" / f"{data_key}-{budget.name}-{digest}.pt"


def _open_dataset(settings: SearchSettings):
    """The dataset before any folder is made: own data (a path, or an in-memory Dataset) is read and
    checked now; a known name is checked now and loaded after the cheap feasibility check.
    Returns (dataset or None, image shape, classes, the data's part of the run's identity)."""
    from hwnas.data import Dataset, dataset_info
    from hwnas.data.own import content_digest
    from hwnas.data.registry import is_own_data

    dataset = settings.dataset
    if isinstance(dataset, str) and is_own_data(dataset):
        from hwnas.data.own import load_own_dataset

        dataset = load_own_dataset(Path(dataset), resize=settings.resize, seed=settings.seed, name=dataset)
    if isinstance(dataset, Dataset):
        return dataset, dataset.image_shape, dataset.classes, {"data": content_digest(dataset)}
    if settings.resize is not None:
        raise UserError(f"--resize applies to your own folder or .npz, not to {dataset}")
    info = dataset_info(dataset)
    return None, info.image_shape or (1, 16, 16), info.classes or 4, {}


def search_split(dataset: Dataset, budget: Budget, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(training, validation) indices into the training split: a seeded draw of the budget's
    validation images (which rank candidates) and its training subset from the rest."""
    order = np.random.default_rng(seed).permutation(len(dataset.train))
    # a small dataset of the user's keeps four fifths of its training images for training
    validation = min(budget.validation, len(dataset.train) // 5)
    train_index = order[validation:]
    if budget.train_subset is not None:
        train_index = train_index[: budget.train_subset]
    return train_index, order[:validation]


def supernet_pixels(dataset: Dataset, space: SearchSpace, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Raw float pixels in the supernet's layout and their labels."""
    return dataset.train.images[index].astype(np.float32).reshape(len(index), *space.input.shape), dataset.train.labels[index]


def search(settings: SearchSettings, *, log: Callable[[str], None] = print) -> SearchOutcome:
    if settings.strategy == "differentiable":
        from hwnas.search.differentiable import differentiable_search

        return differentiable_search(settings, log=log)
    import torch

    from hwnas.data import Locations, load_dataset
    from hwnas.search.supernet import SuperNet, subnet_accuracy, train_supernet

    started = time.perf_counter()
    if settings.threads is not None:
        torch.set_num_threads(settings.threads)
    budget = settings.budget
    dataset, image_shape, classes, data_identity = _open_dataset(settings)
    space = choose_space(image_shape, classes, settings.space, budget=budget, cell_ops=settings.cell_ops)
    check_reachable(space, settings.board, settings.fps)
    out_dir = settings.out_dir
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create output folder {out_dir}: {exc.strerror}") from None
    log = logging_to_file(log, out_dir / "search.log")
    storage = open_storage(settings.coordination())
    # Workers sharing a --storage draw different points, each reproducibly: worker i (the i-th to join
    # the study, counted by the storage) seeds its sampler from --seed and i; the first, like one
    # worker on its own folder, with --seed itself.
    worker_index = 0 if settings.storage is None else claim_worker_index(storage, STUDY_NAME)
    sampler_seed = worker_seed(settings.seed, worker_index)
    study = open_study(storage, seed=sampler_seed, population=budget.population)
    identity = {**settings.identity(), **data_identity, "judging": judging_fingerprint(space, settings.board, settings.fps)}
    legacy = out_dir / "search.json"
    check_study_identity(study, identity, where=settings.storage_url(),
                         legacy=json.loads(legacy.read_text()) if legacy.is_file() and settings.storage is None else None)
    tasks = Tasks(storage, study.study_name, settings.coordination(), log=log)
    log(budget.describe())
    if settings.storage is not None:
        log(f"worker {worker_index} of the study (sampler seed {sampler_seed})")
        if settings.artifacts is None:
            log(f"artifact store (the models the workers pass on): {settings.artifacts_folder()}; workers on other "
                "machines need one shared --artifacts")

    if dataset is None:
        locations = Locations(data_dir=settings.data_dir, cache_dir=settings.cache_dir / "datasets")
        dataset = load_dataset(settings.dataset, space.largest(), locations=locations, seed=settings.seed,
                               progress=settings.progress)
    log(dataset.summary())
    train_index, val_index = search_split(dataset, budget, settings.seed)
    train_x, train_y = supernet_pixels(dataset, space, train_index)
    val_x, val_y = supernet_pixels(dataset, space, val_index)
    data_key = _data_key(settings, data_identity)
    store = settings.artifact_store()

    supernet = SuperNet(space, seed=settings.seed)
    path = supernet_path(settings, space, dataset.origin, data_key)
    done_path = path.with_suffix(".done")
    path.parent.mkdir(parents=True, exist_ok=True)

    reused = done_path.is_file()

    def train_the_supernet(record) -> None:
        if not done_path.is_file():
            log(f"training the supernet ({budget.supernet_epochs} epochs, sandwich rule) -> {path}")
            losses = train_supernet(
                supernet, train_x, train_y, epochs=budget.supernet_epochs, recipe=settings.recipe, seed=settings.seed,
                device=settings.device, progress=settings.progress, state_path=path, log=log,
            )
            done_path.write_text(json.dumps({"losses": losses}) + "\n")
        record("supernet", upload(store, path, tasks))

    tasks.run_all({"supernet": train_the_supernet})
    if not done_path.is_file():  # another worker trained it
        supernet_task = tasks.result("supernet")
        download(store, supernet_task["supernet"], path, what="the supernet", stored_by=supernet_task.get("worker"),
                 where=settings.artifacts_description())
        done_path.write_text(json.dumps({"from": "another worker, through the artifact store"}) + "\n")
        log(f"loaded the supernet another worker trained (artifact store) -> {path}")
    elif reused:
        log(f"reusing the trained supernet {path}")
    supernet.load_state_dict(torch.load(path, map_location="cpu", weights_only=False)["supernet"])
    supernet.to("cpu").eval()

    calib = train_x[: budget.calibration]
    run_study(
        study, space, board=settings.board, fps=settings.fps,
        accuracy_of=lambda point: subnet_accuracy(supernet, point, calib_images=calib, images=val_x, labels=val_y),
        trials=budget.trials, worker=tasks.label, log=log, log_every=budget.population, seed=sampler_seed,
    )
    front = pareto_trials(study)
    if not front:
        raise UserError(
            f"no trial of the study fits {settings.board.name} at {settings.fps:,.0f} fps; "
            "try a lower --fps or a larger board"
        )
    pareto = [
        {"trial": t.number, "arch": t.user_attrs["arch"], "supernet_val_accuracy": t.values[0],
         "resource_share": t.values[1], "lut": t.user_attrs["lut"], "bram18": t.user_attrs["bram18"],
         "fps": t.user_attrs["fps"]}
        for t in front
    ]
    (out_dir / "pareto.json").write_text(json.dumps(pareto, indent=2) + "\n")
    log(f"{budget.trials} trials, {len(front)} on the Pareto front (pareto.json)")

    from hwnas.arch.spec import arch_from_dict

    def trial_arch(trial) -> Arch:
        arch = arch_from_dict(trial.user_attrs["arch"], source=f"trial {trial.number}")
        return Arch(f"searched-t{trial.number}", arch.input, arch.classes, arch.layers)

    def train_trial(trial, record) -> None:
        """Train one Pareto point (a rerun in the same folder resumes it)."""
        arch = trial_arch(trial)
        init = None
        if budget.final_from == "inherited":
            from hwnas.model import save_checkpoint
            from hwnas.search.inherit import subnet_model

            model, _ = subnet_model(supernet, json.loads(trial.user_attrs["point_key"]), calib)
            (out_dir / "candidates").mkdir(exist_ok=True)
            init = save_checkpoint(model, arch, out_dir / "candidates" / f"t{trial.number}-inherited.pt")
        record_candidate(record, train_candidate(arch, dataset, settings, out_dir / "candidates" / f"t{trial.number}",
                                                   train_index, val_index, init=init, log=log), store, tasks)

    def train_reference(ref: Arch, record) -> None:
        # the training recipe's digest: references trained by another recipe are other runs
        recipe = final_config(dataset.name, settings).digest()
        ref_dir = settings.cache_dir / "references" / f"{data_key}-{budget.name}-seed{settings.seed}-{recipe}" / ref.name
        record_candidate(record, train_candidate(ref, dataset, settings, ref_dir, train_index, val_index, init=None, log=log),
                          store, tasks)

    # Every final training is known before any starts (a reference's LUTs are the cost model's), so
    # the workers claim them one by one. The comparison at matched cost: for each reference that
    # fits, the Pareto point the search ranks highest among those using no more LUTs than that
    # reference, trained the same way.
    finalists = sorted(front, key=lambda t: -t.values[0])[: budget.final_candidates]
    refs = reference_archs(image_shape, classes)
    verdicts = {ref.name: judge(ref, settings.board, settings.fps) for ref in refs}
    matched_trials = {}
    for ref in refs:
        within = [t for t in front if t.user_attrs["lut"] <= verdicts[ref.name].lut]
        if verdicts[ref.name].feasible and within:
            matched_trials[ref.name] = max(within, key=lambda t: t.values[0])
    jobs = {}
    for trial in [*finalists, *matched_trials.values()]:
        jobs[f"train t{trial.number}"] = (trial_arch(trial), lambda record, trial=trial: train_trial(trial, record))
    for ref in refs:
        jobs[f"reference {ref.name}"] = (ref, lambda record, ref=ref: train_reference(ref, record))
    # The largest first (binary MACs per image, as a measure of training time): LFC costs many
    # times a small candidate, and claimed last it would leave the other workers idle at the end.
    from hwnas.cost import hardware_nodes
    from hwnas.cost.network import binary_macs_per_frame

    by_size = sorted(jobs, key=lambda key: -binary_macs_per_frame(hardware_nodes(jobs[key][0])))
    results = tasks.run_all({key: jobs[key][1] for key in by_size})
    candidates = [candidate_from(trial_arch(t), results[f"train t{t.number}"]) for t in finalists]
    best_trial = finalists[max(range(len(candidates)), key=lambda i: candidates[i].val_accuracy)]
    best = candidates[finalists.index(best_trial)]
    references = [candidate_from(ref, results[f"reference {ref.name}"]) for ref in refs]
    matched = [(ref, candidate_from(trial_arch(matched_trials[ref.arch.name]), results[f"train t{matched_trials[ref.arch.name].number}"]))
               for ref in references if ref.arch.name in matched_trials]

    def lower_and_report(record) -> None:
        model_path = out_dir / "candidates" / f"t{best_trial.number}" / "model.pt"
        if not model_path.is_file():  # trained by another worker
            trained = results[f"train t{best_trial.number}"]
            download(store, trained["model"], model_path, what=f"the model of {best.arch.name}",
                     stored_by=trained.get("worker"), where=settings.artifacts_description())
        chosen = dataclasses.replace(best, model_path=model_path)
        agreement = lower_best(chosen, dataset, settings, out_dir / "best", log=log)
        write_class_names(dataset, out_dir / "best")
        outcome = SearchOutcome(out_dir, chosen, pareto, references, agreement, time.perf_counter() - started, matched,
                                dataset.label_names(), tuple(trial_records(study)))
        write_summary(outcome, settings)
        from hwnas.search.report import write_search_report

        write_search_report(outcome, settings, out_dir / "report.html")
        log(f"report: {out_dir / 'report.html'}")
        record("agreement", agreement)
        record("out_dir", str(out_dir))

    lowered = tasks.run_all({"lower and report": lower_and_report})["lower and report"]
    if lowered["out_dir"] != str(out_dir):
        log(f"another worker lowered the chosen network and wrote the report into its {lowered['out_dir']}")
    local_model = out_dir / "candidates" / f"t{best_trial.number}" / "model.pt"
    best = dataclasses.replace(best, model_path=local_model if local_model.is_file() else None)
    return SearchOutcome(Path(lowered["out_dir"]), best, pareto, references, lowered["agreement"],
                         time.perf_counter() - started, matched, dataset.label_names(),
                         tuple(trial_records(study)))
