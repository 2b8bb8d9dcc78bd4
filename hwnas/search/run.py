"""``hwnas search``: from a board, a frame rate and a dataset to a trained, lowered network.

Stages, each leaving its results in the run folder so a killed run resumes where it stopped:
feasibility check (cost model) -> supernet (cached per dataset, reused across boards and rates)
-> Optuna study (SQLite) -> Pareto front -> final training of the best candidates -> reference
networks trained the same way -> lowering of the chosen network -> report.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hwnas.arch.reference import reference_archs
from hwnas.arch.spec import Arch, FlatInput, ImageInput, save_arch
from hwnas.board import Board
from hwnas.data.dataset import Dataset, write_class_names
from hwnas.errors import UserError
from hwnas.search.budget import Budget
from hwnas.search.space import ConvSpace, MlpSpace, SearchSpace
from hwnas.search.study import judge, judging_fingerprint, pareto_trials, run_study

SPACE_KINDS = ("auto", "mlp", "conv")


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

    def dataset_name(self) -> str:
        return self.dataset if isinstance(self.dataset, str) else self.dataset.name

    def identity(self) -> dict:
        """What a resumed run must share with the run it resumes."""
        return {
            "dataset": self.dataset_name(), "board": self.board.name, "clock_mhz": self.board.clock_mhz, "fps": self.fps,
            "budget": self.budget.name, "seed": self.seed, "space": self.space,
        }


@dataclass(frozen=True)
class Candidate:
    arch: Arch
    val_accuracy: float  # of the trained model, on the held-out validation images
    test_accuracy: float
    lut: int
    bram18: int
    fps: float
    fits: bool
    model_path: Path | None
    note: str = ""


@dataclass(frozen=True)
class SearchOutcome:
    out_dir: Path
    best: Candidate
    pareto: list[dict]
    references: list[Candidate]
    agreement: float  # share of checked test images where the lowered graph agrees with the model
    seconds: float
    matched: list[tuple[Candidate, Candidate]]  # (reference, best searched network within its LUTs)
    class_names: tuple[str, ...] = ()  # label i is class_names[i]


def choose_space(image_shape: tuple[int, int, int], classes: int, kind: str, *, budget: Budget) -> SearchSpace:
    """``auto``: an MLP space for single-channel images (where FINN's references are MLPs),
    a conv space otherwise; ``quick`` keeps conv widths small enough for a CPU."""
    if kind not in SPACE_KINDS:
        raise UserError(f"unknown --space {kind!r}; known: {', '.join(SPACE_KINDS)}")
    c, h, w = image_shape
    if kind == "auto":
        kind = "mlp" if c == 1 else "conv"
    if kind == "mlp":
        return SearchSpace(FlatInput(c * h * w, 8), classes, MlpSpace())
    conv = ConvSpace(widths=(16, 32, 64), head_widths=(64, 128)) if budget.name == "quick" else ConvSpace()
    return SearchSpace(ImageInput(c, h, w, 8), classes, conv)


def check_reachable(space: SearchSpace, board: Board, fps: float) -> None:
    """End early, with numbers, when no architecture of the space can work at ``fps`` on ``board``."""
    smallest = space.smallest()
    if not judge(smallest, board, 1.0).feasible:
        raise UserError(
            f"board {board.name} is too small for the smallest architecture of the space "
            f"({_describe(smallest)}): it does not fit even at 1 fps"
        )
    if not judge(smallest, board, fps).feasible:
        from hwnas.cost import reachable_fps

        reachable, binding = reachable_fps(smallest, board)
        raise UserError(
            f"no architecture in the space reaches {fps:,.0f} fps on {board.name}: the smallest "
            f"({_describe(smallest)}) reaches at most {reachable:,.0f} fps there, beyond it {binding} runs out first; "
            "ask for that or less"
        )


def _describe(arch: Arch) -> str:
    return " -> ".join(type(layer).__name__.lower() + str(getattr(layer, "out", getattr(layer, "kernel", ""))) for layer in arch.layers)


def _check_identity(out_dir: Path, settings: SearchSettings, fingerprint: str, data_identity: dict) -> None:
    """Refuse to resume a search whose trials were judged under other settings (own data: other
    images), or by other cost estimates (``study.judging_fingerprint``); a new folder records both."""
    path = out_dir / "search.json"
    identity = {**settings.identity(), **data_identity}
    if path.is_file():
        saved = json.loads(path.read_text())
        diff = ", ".join(f"{k}: {saved.get(k)!r} there, {v!r} now" for k, v in identity.items() if saved.get(k) != v)
        if diff:
            raise UserError(f"{out_dir} holds a search with other settings ({diff}); use another --out")
        if saved.get("judging") != fingerprint:
            raise UserError(
                f"{out_dir} holds a search whose trials were judged by other cost estimates (the cost model "
                f"or the board file changed since); use another --out, or delete {path.name} and study.db there"
            )
    else:
        path.write_text(json.dumps({**identity, "judging": fingerprint}, indent=2) + "\n")


def _data_key(settings: SearchSettings, data_identity: dict) -> str:
    """The dataset's part of cache file names: its name, or for own data the folder's name and a
    digest of its content (so that edited data trains a new supernet)."""
    name = settings.dataset_name()
    if not data_identity:
        return name
    return f"{Path(name).name or 'data'}-{data_identity['data']}"


def _supernet_path(settings: SearchSettings, space: SearchSpace, origin: str, data_key: str) -> Path:
    budget = settings.budget
    key = json.dumps(
        {"dataset": data_key, "origin": origin, "space": repr(space.space), "input": repr(space.input),
         "subset": budget.train_subset, "validation": budget.validation, "epochs": budget.supernet_epochs,
         "seed": settings.seed},
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


def search(settings: SearchSettings, *, log: Callable[[str], None] = print) -> SearchOutcome:
    import torch

    from hwnas.data import Locations, load_dataset
    from hwnas.search.supernet import SuperNet, subnet_accuracy, train_supernet

    started = time.perf_counter()
    if settings.threads is not None:
        torch.set_num_threads(settings.threads)
    budget = settings.budget
    dataset, image_shape, classes, data_identity = _open_dataset(settings)
    space = choose_space(image_shape, classes, settings.space, budget=budget)
    out_dir = settings.out_dir
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create output folder {out_dir}: {exc.strerror}") from None
    _check_identity(out_dir, settings, judging_fingerprint(space, settings.board, settings.fps), data_identity)
    log(budget.describe())
    check_reachable(space, settings.board, settings.fps)

    if dataset is None:
        locations = Locations(data_dir=settings.data_dir, cache_dir=settings.cache_dir / "datasets")
        dataset = load_dataset(settings.dataset, space.largest(), locations=locations, seed=settings.seed,
                               progress=settings.progress)
    log(dataset.summary())
    rng = np.random.default_rng(settings.seed)
    order = rng.permutation(len(dataset.train))
    # a small dataset of the user's keeps four fifths of its training images for training
    validation = min(budget.validation, len(dataset.train) // 5)
    val_index = order[:validation]
    train_index = order[validation:]
    if budget.train_subset is not None:
        train_index = train_index[: budget.train_subset]
    pixels = lambda idx: dataset.train.images[idx].astype(np.float32).reshape(len(idx), *space.input.shape)
    train_x, train_y = pixels(train_index), dataset.train.labels[train_index]
    val_x, val_y = pixels(val_index), dataset.train.labels[val_index]
    data_key = _data_key(settings, data_identity)

    supernet = SuperNet(space, seed=settings.seed)
    path = _supernet_path(settings, space, dataset.origin, data_key)
    done_path = path.with_suffix(".done")
    path.parent.mkdir(parents=True, exist_ok=True)
    if done_path.is_file():
        log(f"reusing the trained supernet {path}")
        supernet.load_state_dict(torch.load(path, map_location="cpu", weights_only=False)["supernet"])
        supernet.eval()
    else:
        log(f"training the supernet ({budget.supernet_epochs} epochs, sandwich rule) -> {path}")
        losses = train_supernet(
            supernet, train_x, train_y, epochs=budget.supernet_epochs, seed=settings.seed,
            device=settings.device, progress=settings.progress, state_path=path,
        )
        supernet.to("cpu")
        done_path.write_text(json.dumps({"losses": losses}) + "\n")

    calib = train_x[: budget.calibration]
    study = run_study(
        space, board=settings.board, fps=settings.fps,
        accuracy_of=lambda point: subnet_accuracy(supernet, point, calib_images=calib, images=val_x, labels=val_y),
        trials=budget.trials, storage=out_dir / "study.db", seed=settings.seed, population=budget.population,
        progress=settings.progress,
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
    log(f"{len(study.trials)} trials, {len(front)} on the Pareto front (pareto.json)")

    from hwnas.arch.spec import arch_from_dict

    trained: dict[int, Candidate] = {}

    def train_trial(trial) -> Candidate:
        """Train one Pareto point (once per run folder: a second call, or a rerun, resumes it)."""
        if trial.number in trained:
            return trained[trial.number]
        arch = arch_from_dict(trial.user_attrs["arch"], source=f"trial {trial.number}")
        arch = Arch(f"searched-t{trial.number}", arch.input, arch.classes, arch.layers)
        init = None
        if budget.final_from == "inherited":
            from hwnas.model import save_checkpoint
            from hwnas.search.inherit import subnet_model

            model, _ = subnet_model(supernet, json.loads(trial.user_attrs["point_key"]), calib)
            (out_dir / "candidates").mkdir(exist_ok=True)
            init = save_checkpoint(model, arch, out_dir / "candidates" / f"t{trial.number}-inherited.pt")
        trained[trial.number] = _train_candidate(arch, dataset, settings, out_dir / "candidates" / f"t{trial.number}",
                                                 train_index, val_index, init=init, log=log)
        return trained[trial.number]

    candidates = [train_trial(t) for t in sorted(front, key=lambda t: -t.values[0])[: budget.final_candidates]]
    best = max(candidates, key=lambda c: c.val_accuracy)

    references = []
    for ref in reference_archs(image_shape, classes):
        ref_dir = settings.cache_dir / "references" / f"{data_key}-{budget.name}-seed{settings.seed}" / ref.name
        references.append(_train_candidate(ref, dataset, settings, ref_dir, train_index, val_index, init=None, log=log))

    # The comparison at matched cost: for each reference that fits, the Pareto point the search
    # ranks highest among those using no more LUTs than that reference, trained the same way.
    matched = []
    for ref in references:
        within = [t for t in front if t.user_attrs["lut"] <= ref.lut]
        if ref.fits and within:
            matched.append((ref, train_trial(max(within, key=lambda t: t.values[0]))))

    agreement = _lower_best(best, dataset, settings, out_dir / "best", log=log)
    write_class_names(dataset, out_dir / "best")
    outcome = SearchOutcome(out_dir, best, pareto, references, agreement, time.perf_counter() - started, matched,
                            dataset.label_names())
    _write_summary(outcome, settings)
    from hwnas.search.report import write_search_report

    write_search_report(outcome, settings, out_dir / "report.html")
    log(f"report: {out_dir / 'report.html'}")
    return outcome


def _train_candidate(arch, dataset, settings, run_dir, train_index, val_index, *, init, log) -> Candidate:
    from hwnas.data import Split
    from hwnas.model import load_checkpoint
    from hwnas.train import TrainConfig, train
    from hwnas.train.loop import evaluate
    from hwnas.train.device import resolve_device

    budget = settings.budget
    train_split = Split(dataset.train.images[train_index], dataset.train.labels[train_index])
    subset = dataclasses.replace(dataset, train=train_split)
    config = TrainConfig(dataset=dataset.name, epochs=budget.final_epochs, seed=settings.seed, device=settings.device,
                         threads=settings.threads)
    log(f"training {arch.name} ({_describe(arch)}) for {budget.final_epochs} epochs")
    result = train(arch, subset, config, run_dir, progress=settings.progress, init_checkpoint=init)
    model, _ = load_checkpoint(result.model_path)
    device = resolve_device(settings.device)
    _, val_accuracy = evaluate(model.to(device), Split(dataset.train.images[val_index], dataset.train.labels[val_index]), arch, device)
    verdict = judge(arch, settings.board, settings.fps)
    return Candidate(arch, val_accuracy, result.test_accuracy, verdict.lut, verdict.bram18, verdict.fps,
                     verdict.feasible, result.model_path, "" if verdict.feasible else verdict.reason)


def _lower_best(best: Candidate, dataset, settings: SearchSettings, best_dir: Path, *, log) -> float:
    """Lower the chosen network at the requested rate and check FINN's execution of the lowered
    graph against the trained model on test images."""

    import torch

    from hwnas.cost import plan_folding
    from hwnas.lower import execute_dataflow, lower
    from hwnas.report.estimate_report import estimate_dict
    from hwnas.model import load_checkpoint, prepare_input

    best_dir.mkdir(parents=True, exist_ok=True)
    save_arch(best.arch, best_dir / "arch.yaml")
    from hwnas.lower.quiet import library_output_to

    log(f"lowering {best.arch.name} for {settings.board.name} at {settings.fps:,.0f} fps (library output: best/lower.log)")

    with library_output_to(best_dir / "lower.log"):
        result = lower(best.arch, settings.board, out_dir=best_dir, fps=settings.fps, checkpoint=best.model_path)
    plan = plan_folding(best.arch, settings.board, fps=settings.fps)
    data = estimate_dict(plan.estimate, settings.board, target_fps=settings.fps)
    (best_dir / "estimates.json").write_text(json.dumps(data, indent=2) + "\n")
    model, arch = load_checkpoint(result.checkpoint_path)
    count = min(settings.budget.lowering_check_images, len(dataset.test))
    inputs = prepare_input(dataset.test.images[:count], arch)
    with torch.no_grad():
        expected = model(torch.from_numpy(inputs)).argmax(1).numpy()
    got = execute_dataflow(result.dataflow_path, inputs)
    agreement = float((got == expected).mean())
    (best_dir / "verification.json").write_text(json.dumps(
        {"images": count, "agree": int((got == expected).sum()), "agreement": agreement,
         "what": "FINN's Python execution of dataflow.onnx against the trained Brevitas model on test images"},
        indent=2) + "\n")
    log(f"lowered graph agrees with the trained model on {int((got == expected).sum())}/{count} test images")
    return agreement


def _write_summary(outcome: SearchOutcome, settings: SearchSettings) -> None:
    def row(c: Candidate) -> dict:
        return {"name": c.arch.name, "arch": c.arch.to_dict(), "val_accuracy": c.val_accuracy,
                "test_accuracy": c.test_accuracy, "lut": c.lut, "bram18": c.bram18, "fps": c.fps, "fits": c.fits,
                "note": c.note}

    summary = {
        "settings": settings.identity(), "budget": settings.budget.to_dict(), "seconds": round(outcome.seconds, 1),
        "best": row(outcome.best), "references": [row(r) for r in outcome.references],
        "lowering_agreement": outcome.agreement, "class_names": list(outcome.class_names),
        "matched_luts": [{"reference": row(ref), "searched": row(found)} for ref, found in outcome.matched],
    }
    (outcome.out_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
