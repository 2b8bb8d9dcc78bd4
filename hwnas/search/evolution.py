"""The evolution strategy (the default): a weight-sharing supernet, trained once per dataset and
space and cached, ranks the points an Optuna study draws (NSGA-II over accuracy and resource share,
every point judged feasible by the cost model first); the Pareto front goes to the finish step."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from hwnas.errors import UserError
from hwnas.search.inputs import SearchData, supernet_path
from hwnas.search.start import SearchRun
from hwnas.search.study import pareto_trials, run_study
from hwnas.search.workers import download, upload


@dataclass(frozen=True)
class Evolved:
    """The strategy's result: the front's trials (for the finish step), their rows (pareto.json), and
    the supernet with its calibration images (which the finish step inherits weights from)."""

    front: list
    pareto: list[dict]
    supernet: Any
    calib: np.ndarray


def evolve(run: SearchRun, data: SearchData) -> Evolved:
    import torch

    from hwnas.search.supernet import SuperNet, subnet_accuracy, train_supernet

    settings, budget, log, tasks, store = run.settings, run.settings.budget, run.log, run.tasks, run.store
    supernet = SuperNet(run.space, seed=settings.seed)
    path = supernet_path(settings, run.space, data.dataset.origin, data.key)
    done_path = path.with_suffix(".done")
    path.parent.mkdir(parents=True, exist_ok=True)
    reused = done_path.is_file()

    def train_the_supernet(record) -> None:
        if not done_path.is_file():
            log(f"training the supernet ({budget.supernet_epochs} epochs, sandwich rule) -> {path}")
            losses = train_supernet(
                supernet, data.train_x, data.train_y, epochs=budget.supernet_epochs, recipe=settings.recipe,
                seed=settings.seed, device=settings.device, progress=settings.progress, state_path=path, log=log,
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

    calib = data.train_x[: budget.calibration]
    run_study(
        run.study, run.space, board=settings.board, fps=settings.fps,
        accuracy_of=lambda point: subnet_accuracy(supernet, point, calib_images=calib, images=data.val_x, labels=data.val_y),
        trials=budget.trials, worker=tasks.label, log=log, log_every=budget.population, seed=run.sampler_seed,
    )
    front = pareto_trials(run.study)
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
    (run.out_dir / "pareto.json").write_text(json.dumps(pareto, indent=2) + "\n")
    log(f"{budget.trials} trials, {len(front)} on the Pareto front (pareto.json)")
    return Evolved(front, pareto, supernet, calib)
