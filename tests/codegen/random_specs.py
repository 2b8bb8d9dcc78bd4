"""Random chain specs at the optimiser's foldings, built and C-simulated end to end: shared by the
representative slice in tests/codegen/test_codegen_random_specs.py and the whole set in
benchmarks/check_random_specs_csim.py.

A case is a spec (MLP or conv; 1- or 8-bit input; grey or colour images; an 8-bit first conv
sometimes padded) and a frame rate: twice the unfolded design's, or halfway (geometrically) from
there to the highest the board reaches, so the optimiser folds every case, some of them hard.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hwnas.arch.sample import random_arch
from hwnas.arch.spec import arch_from_dict

SPECS = 30
TARGETS = ("2x unfolded", "halfway to the highest")


@dataclass(frozen=True)
class Case:
    seed: int
    target: str

    @property
    def name(self) -> str:
        return f"spec{self.seed}-{'low' if self.target == TARGETS[0] else 'high'}"


def cases() -> list[Case]:
    return [Case(seed, target) for seed in range(SPECS) for target in TARGETS]


def spec(seed: int):
    """Every third spec an MLP, the others conv networks; an 8-bit conv's first 3x3 layer is padded
    in odd seeds (binary inputs cannot be: hwnas refuses padding on -1/+1 maps)."""
    rng = np.random.default_rng(1000 + seed)
    arch = random_arch(rng, kind="mlp" if seed % 3 == 0 else "conv", name=f"spec{seed}")
    raw = arch.to_dict()
    first = raw["layers"][0]
    if seed % 2 and raw["input"].get("bits") == 8 and "conv" in first and first["conv"]["kernel"] == 3:
        first["conv"]["padding"] = 1
    return arch_from_dict(raw, source=arch.name)


def fps_of(arch, target: str, board) -> float:
    from hwnas.cost import Folding, estimate, reachable_fps

    unfolded = estimate(arch, Folding(), board).fps
    highest, _ = reachable_fps(arch, board)
    low = min(2 * unfolded, highest)
    return low if target == TARGETS[0] else math.sqrt(low * highest)


@dataclass(frozen=True)
class Outcome:
    case: Case
    arch: object
    fps: float
    images: int
    finn_agree: int
    model_agree: int
    parallel_windows: int  # sliding windows the optimiser made parallel
    simulated_deviation: float  # simulated / estimated cycles per frame - 1

    @property
    def exact(self) -> bool:
        return self.finn_agree == self.images and self.model_agree == self.images


def check(case: Case, out: Path, *, images: int) -> Outcome:
    """Lower the case's spec at the optimiser's folding, generate and C-simulate the accelerator on
    ``images`` random images against the Brevitas model and FINN, and simulate its timing."""
    import json

    from hwnas.board import load_board
    from hwnas.codegen.project import build_project
    from hwnas.model import load_checkpoint
    from hwnas.sim import cost_model_cycles, simulate
    from tests.codegen.lowered import BOARD, lower_at

    board = load_board(BOARD)
    arch = spec(case.seed)
    fps = fps_of(arch, case.target, board)
    lowered = lower_at(arch, out / "run", fps=fps, seed=case.seed)
    model, _ = load_checkpoint(lowered.out_dir / "model.pt")
    report = build_project(lowered.out_dir / "dataflow.onnx", board=board, out_dir=out / "hls", arch=arch,
                           torch_model=model, csim=images)
    config = json.loads(lowered.folding_path.read_text())
    estimates = cost_model_cycles(arch, lowered.folding_path, board)
    simulated = simulate(lowered.out_dir / "dataflow.onnx", 4, estimates=estimates)
    return Outcome(
        case, arch, fps, report.images, report.finn_agree, report.model_agree,
        sum(bool(a.get("parallel_window")) for a in config.values() if isinstance(a, dict)), simulated.deviation,
    )
