"""Branching specs (the examples and random specs of hwnas.arch.sample.random_branching_arch) at two
foldings each, built and C-simulated end to end against the Brevitas model and FINN's Python
execution: shared by tests/codegen/test_codegen_branches.py (few images) and
benchmarks/check_branching_csim.py (100 images each).

The foldings: the optimiser's for a frame rate well above the unfolded design's (capped by what
the board reaches), and a random legal one (each node's fold drawn from the cost model's
candidates for it, parallel windows included).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tests.conftest import REPO

EXAMPLES = ("res-fmnist", "res-cnv", "cell-bnas")
RANDOM_SEEDS = range(6)
SPECS = EXAMPLES + tuple(f"random-{seed}" for seed in RANDOM_SEEDS)
FOLDINGS = ("optimiser", "random")
SPEED_UP = 16  # the optimiser's target: this many times the unfolded frame rate


def branching_spec(name: str):
    """An example by name, or ``random-N``: random branching spec N (seeded)."""
    from hwnas.arch import load_arch
    from hwnas.arch.sample import random_branching_arch

    if name.startswith("random-"):
        seed = int(name.split("-")[1])
        return random_branching_arch(np.random.default_rng(seed), name=f"branching-{seed}")
    return load_arch(REPO / "examples" / "archs" / f"{name}.yaml")


def random_folding(arch, rng: np.random.Generator):
    from hwnas.cost import Folding, hardware_nodes
    from hwnas.cost.node_cost import candidate_folds

    nodes = {}
    for node in hardware_nodes(arch):
        options = candidate_folds(node)
        nodes[node.name] = options[int(rng.integers(len(options)))]
    return Folding(nodes)


@dataclass(frozen=True)
class Outcome:
    spec: str
    folding: str
    images: int
    finn_images: int
    finn_agree: int
    model_agree: int
    classes_seen: int  # distinct classes the C-simulation predicted
    simulated: object  # hwnas.sim.SimulationResult of 4 frames with the generated depths
    dataflow: Path  # the lowered dataflow.onnx
    project: Path  # the generated HLS project
    estimates: dict  # the cost model's cycles per frame by FINN node

    @property
    def exact(self) -> bool:
        return self.finn_agree == self.finn_images and self.model_agree == self.images


def check(spec: str, folding: str, out: Path, *, images: int, finn_images: int | None = None) -> Outcome:
    """Lower ``spec`` at ``folding`` (one of FOLDINGS), generate its accelerator and C-simulate
    ``images`` random images against the model (and FINN on the first ``finn_images``)."""
    from hwnas.board import load_board
    from hwnas.codegen.project import build_project
    from hwnas.cost import Folding, estimate, reachable_fps
    from hwnas.model import load_checkpoint
    from hwnas.sim import cost_model_cycles, simulate
    from tests.codegen.lowered import BOARD, lower_at

    board = load_board(BOARD)
    arch = branching_spec(spec)
    if folding == "optimiser":
        fps = min(SPEED_UP * estimate(arch, Folding(), board).fps, 0.9 * reachable_fps(arch, board)[0])
        lowered = lower_at(arch, out / "run", fps=fps)
    else:
        fold = random_folding(arch, np.random.default_rng(len(spec)))
        lowered = lower_at(arch, out / "run", fold=fold)
    model, _ = load_checkpoint(lowered.out_dir / "model.pt")
    report = build_project(lowered.out_dir / "dataflow.onnx", board=board, out_dir=out / "hls", arch=arch,
                           torch_model=model, csim=images, finn_images=finn_images)
    predictions = (out / "hls" / "build" / "predictions.txt").read_text().split()
    estimates = cost_model_cycles(arch, lowered.folding_path, board)
    simulated = simulate(lowered.out_dir / "dataflow.onnx", 4, estimates=estimates)
    return Outcome(spec, folding, report.images, report.finn_images, report.finn_agree, report.model_agree,
                   len(set(predictions)), simulated, lowered.out_dir / "dataflow.onnx", out / "hls",
                   estimates)
