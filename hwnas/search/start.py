"""The search's first step after its settings: the space, checked against the board, then the run
folder, its log, the study and the workers' shared tasks. Nothing is trained here, and a run that
cannot work ends here with numbers before any folder is made."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hwnas.errors import UserError
from hwnas.logs import logging_to_file
from hwnas.search.inputs import open_dataset
from hwnas.search.settings import SearchSettings, check_reachable, choose_space
from hwnas.search.space import SearchSpace
from hwnas.search.study import STUDY_NAME, check_study_identity, judging_fingerprint, open_study
from hwnas.search.workers import Tasks, claim_worker_index, open_storage, worker_seed


@dataclass
class SearchRun:
    """What the later steps share: the settings, the space, the run folder and its log, the study,
    the workers' tasks and artifact store, and the data as far as it was read before the check."""

    settings: SearchSettings
    space: SearchSpace
    out_dir: Path
    log: Callable[[str], None]
    study: Any
    tasks: Tasks
    sampler_seed: int
    store: Any
    dataset: Any  # own data read already, or None for a known dataset (inputs.load_search_data loads it)
    image_shape: tuple[int, int, int]
    classes: int
    data_identity: dict
    started: float = field(default_factory=time.perf_counter)


def start(settings: SearchSettings, *, log: Callable[[str], None]) -> SearchRun:
    started = time.perf_counter()
    if settings.threads is not None:
        import torch

        torch.set_num_threads(settings.threads)
    budget = settings.budget
    dataset, image_shape, classes, data_identity = open_dataset(settings)
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
    return SearchRun(settings, space, out_dir, log, study, tasks, sampler_seed, settings.artifact_store(), dataset, image_shape, classes,
                     data_identity, started)
