"""The search's last stage: train the chosen Pareto points and the references, lower the best
network, write the summary. Each training runs on whichever worker claims it (``workers.Tasks``);
its figures travel in the task's attributes and its model through the artifact store."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hwnas.arch.spec import Arch, save_arch
from hwnas.errors import UserError
from hwnas.search.space import describe
from hwnas.search.study import judge
from hwnas.search.workers import upload

if TYPE_CHECKING:
    from hwnas.search.settings import SearchSettings


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
    # the folding the cost model decided when it judged the candidate (FINN's folding_config format);
    # the lowering applies it as it is, never planning it again
    folding_config: dict | None = None


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
    trials: tuple[dict, ...] = ()  # every finished trial of the study, feasible or rejected (study.trial_records)


def record_candidate(record, candidate: Candidate, store, tasks) -> None:
    """A trained candidate's figures into its task's attributes, its model into the artifact store."""
    c = candidate
    record("candidate", dict(val_accuracy=float(c.val_accuracy), test_accuracy=float(c.test_accuracy), lut=int(c.lut),
                             bram18=int(c.bram18), fps=float(c.fps), fits=bool(c.fits), note=str(c.note),
                             folding_config=c.folding_config))
    record("model", upload(store, candidate.model_path, tasks))


def candidate_from(arch: Arch, result: dict) -> Candidate:
    """A candidate trained by any worker, from its task's attributes (its model stays in the store)."""
    return Candidate(arch, model_path=None, **result["candidate"])


def final_config(dataset_name: str, settings: SearchSettings):
    """How the search trains a network after the study: ``hwnas train``'s recipe, the budget's epochs."""
    from hwnas.train import TrainConfig

    return TrainConfig(dataset=dataset_name, epochs=settings.budget.final_epochs, seed=settings.seed,
                       device=settings.device, threads=settings.threads)


def train_candidate(arch, dataset, settings, run_dir, train_index, val_index, *, init, log, config=None) -> Candidate:
    """Train ``arch`` (``config``, default :func:`final_config`) and judge it on the validation images."""
    from hwnas.data import Split
    from hwnas.model import load_checkpoint
    from hwnas.train import train
    from hwnas.train.loop import evaluate
    from hwnas.train.device import resolve_device

    train_split = Split(dataset.train.images[train_index], dataset.train.labels[train_index])
    subset = dataclasses.replace(dataset, train=train_split)
    config = config or final_config(dataset.name, settings)
    log(f"training {arch.name} ({describe(arch)}) for {config.epochs} epochs")
    result = train(arch, subset, config, run_dir, progress=settings.progress, init_checkpoint=init,
                   log=lambda line: log(f"  {arch.name} {line}"))
    model, _ = load_checkpoint(result.model_path)
    device = resolve_device(settings.device)
    _, val_accuracy = evaluate(model.to(device), Split(dataset.train.images[val_index], dataset.train.labels[val_index]), arch, device)
    verdict = judge(arch, settings.board, settings.fps)
    return Candidate(arch, val_accuracy, result.test_accuracy, verdict.lut, verdict.bram18, verdict.fps,
                     verdict.feasible, result.model_path, "" if verdict.feasible else verdict.reason,
                     verdict.folding_config)


def lower_best(best: Candidate, dataset, settings: SearchSettings, best_dir: Path, *, log) -> float:
    """Lower the chosen network at the requested rate and check FINN's execution of the lowered
    graph against the trained model on test images."""

    import torch

    from hwnas.cost import Folding, estimate, hardware_nodes
    from hwnas.lower import execute_dataflow, lower
    from hwnas.report.estimate_report import estimate_dict
    from hwnas.model import load_checkpoint, prepare_input

    best_dir.mkdir(parents=True, exist_ok=True)
    save_arch(best.arch, best_dir / "arch.yaml")
    from hwnas.lower.quiet import library_output_to

    log(f"lowering {best.arch.name} for {settings.board.name} at {settings.fps:,.0f} fps (library output: best/lower.log)")

    # the folding was decided once, when the candidate was judged; the lowering applies it as it is
    if best.folding_config is None:
        if not best.fits:
            raise UserError(f"{best.arch.name} does not fit {settings.board.name} at {settings.fps:,.0f} fps: {best.note}")
        raise UserError(f"{best.arch.name}'s record in the study carries no folding (it was trained by an older hwnas); "
                        f"start the search again with a new --out or --storage")
    folding = Folding.from_finn_config(best.folding_config, hardware_nodes(best.arch), source=f"{best.arch.name}'s folding")
    with library_output_to(best_dir / "lower.log"):
        result = lower(best.arch, settings.board, out_dir=best_dir, folding=folding, checkpoint=best.model_path)
    data = estimate_dict(estimate(best.arch, folding, settings.board), settings.board, target_fps=settings.fps)
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


def write_summary(outcome: SearchOutcome, settings: SearchSettings) -> None:
    def row(c: Candidate) -> dict:
        return {"name": c.arch.name, "arch": c.arch.to_dict(), "val_accuracy": c.val_accuracy,
                "test_accuracy": c.test_accuracy, "lut": c.lut, "bram18": c.bram18, "fps": c.fps, "fits": c.fits,
                "note": c.note, "folding": c.folding_config}

    summary = {
        "settings": settings.identity(), "budget": settings.budget.to_dict(), "seconds": round(outcome.seconds, 1),
        "best": row(outcome.best), "references": [row(r) for r in outcome.references],
        "lowering_agreement": outcome.agreement, "class_names": list(outcome.class_names),
        "matched_luts": [{"reference": row(ref), "searched": row(found)} for ref, found in outcome.matched],
    }
    (outcome.out_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
