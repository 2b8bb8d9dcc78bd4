"""``lower()``: spec + board -> QONNX -> folded FINN dataflow graph, with estimates."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hwnas.arch.spec import Arch
from hwnas.board import Board
from hwnas.cost.folding import Folding
from hwnas.errors import UserError
from hwnas.lower.estimates import FinnEstimates

# Random inputs for the BatchNorm statistics of a model without a checkpoint.
CALIBRATION_SAMPLES = 256
CALIBRATION_SEED = 0


@dataclass(frozen=True)
class StepRecord:
    name: str
    seconds: float
    model_path: Path


@dataclass(frozen=True)
class LowerResult:
    out_dir: Path
    qonnx_path: Path
    dataflow_path: Path
    folding_path: Path
    estimates_path: Path
    checkpoint_path: Path  # the Brevitas model that was lowered (a copy of --checkpoint, or the calibrated one)
    estimates: FinnEstimates
    steps: tuple[StepRecord, ...]


def lower(
    arch: Arch,
    board: Board,
    *,
    out_dir: Path,
    folding: Path | Folding | None = None,
    fps: float | None = None,
    checkpoint: Path | None = None,
    on_step: Callable[[str, float], None] | None = None,
) -> LowerResult:
    """Lower ``arch`` for ``board`` into ``out_dir``; ``on_step(name, seconds)`` reports progress.

    ``folding``: a folding file, or the Folding object a search or estimate already chose (applied as
    it is, not planned again); ``fps``: let hwnas's optimiser choose one."""
    from hwnas.lower.estimates import finn_estimates
    from hwnas.lower.export import export_qonnx
    from hwnas.lower.finn_env import point_finn_at
    from hwnas.lower.folding import folding_config
    from hwnas.lower.steps import STEPS, LowerContext
    from hwnas.model import save_checkpoint

    if (folding is None) == (fps is None):
        raise UserError("give exactly one of a folding file (--folding) or a target fps (--fps)")
    out_dir = _writable_folder(Path(out_dir))
    steps_dir = out_dir / "steps"
    steps_dir.mkdir(exist_ok=True)
    point_finn_at(out_dir)
    ctx = LowerContext(arch=arch, board=board, out_dir=out_dir, folding=folding, fps=fps)
    records = []

    def record(name: str, started: float, path: Path) -> None:
        seconds = time.perf_counter() - started
        records.append(StepRecord(name, seconds, path))
        if on_step is not None:
            on_step(name, seconds)

    started = time.perf_counter()
    model = _brevitas_model(arch, checkpoint)
    checkpoint_path = save_checkpoint(model, arch, out_dir / "model.pt")
    record("build_model", started, checkpoint_path)

    started = time.perf_counter()
    qonnx_path = out_dir / "model.qonnx.onnx"
    wrapper = export_qonnx(model, arch, qonnx_path)
    record("export_qonnx", started, qonnx_path)

    for index, (name, step) in enumerate(STEPS, start=1):
        started = time.perf_counter()
        wrapper = step(wrapper, ctx)
        path = steps_dir / f"{index:02d}_{name}.onnx"
        wrapper.save(str(path))
        record(name, started, path)

    started = time.perf_counter()
    dataflow_path = out_dir / "dataflow.onnx"
    wrapper.save(str(dataflow_path))
    folding_path = out_dir / "folding_config.json"
    folding_path.write_text(json.dumps(folding_config(wrapper), indent=2) + "\n")
    estimates = finn_estimates(wrapper, board)
    estimates_path = out_dir / "finn_estimates.json"
    estimates_path.write_text(json.dumps(estimates.to_dict(), indent=2) + "\n")
    record("estimates", started, dataflow_path)
    (out_dir / "step_times.json").write_text(
        json.dumps({r.name: round(r.seconds, 3) for r in records}, indent=2) + "\n"
    )
    return LowerResult(
        out_dir=out_dir, qonnx_path=qonnx_path, dataflow_path=dataflow_path, folding_path=folding_path,
        estimates_path=estimates_path, checkpoint_path=checkpoint_path, estimates=estimates, steps=tuple(records),
    )


def _brevitas_model(arch: Arch, checkpoint: Path | None):
    from hwnas.model import build_model, calibrate_batchnorm, load_checkpoint, prepare_input, random_raw_inputs

    if checkpoint is None:
        model = build_model(arch)
        rng = np.random.default_rng(CALIBRATION_SEED)
        calibrate_batchnorm(model, prepare_input(random_raw_inputs(arch, CALIBRATION_SAMPLES, rng), arch))
        return model
    model, saved_arch = load_checkpoint(checkpoint)
    if saved_arch.to_dict()["layers"] != arch.to_dict()["layers"] or saved_arch.input != arch.input:
        raise UserError(f"checkpoint {checkpoint} was trained for {saved_arch.name}, which differs from {arch.name}")
    return model


def _writable_folder(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".hwnas-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise UserError(f"cannot write to output folder {path}: {exc.strerror}") from None
    return path.resolve()
