"""What a supernet epoch costs on this machine, budget by budget: seconds per sandwich step.

Builds the supernet the search would build for ``--space`` at each budget (Fashion-MNIST's shape),
times :func:`hwnas.search.supernet.train_supernet` (the search's own sandwich steps: largest,
smallest and two random subnets) over ``--steps`` batches of 128 random images after a one-batch
warm-up, and prints the mean step, the steps in one of that budget's epochs, and what the
budget's supernet epochs take at that pace. Side by side in one run, so the ratio between budgets
holds whatever else the machine is doing.

    PYTHONPATH=. python benchmarks/bench_supernet_step.py --space cell --threads 1
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
import torch

from hwnas.search.budget import BUDGETS, get_budget
from hwnas.search.settings import SPACE_KINDS, choose_space
from hwnas.search.supernet import SuperNet, train_supernet

BATCH = 128
TRAIN_IMAGES = 60_000  # Fashion-MNIST's training split


def step_seconds(space, steps: int) -> float:
    """Mean seconds per step of :func:`train_supernet` itself over ``steps`` batches of random
    images, after a one-batch call that warms up torch's kernels."""
    rng = np.random.default_rng(0)
    images = (rng.random((BATCH * steps, 1, 28, 28)) * 255).astype(np.float32)
    labels = rng.integers(0, 10, BATCH * steps)
    supernet = SuperNet(space)
    train_supernet(supernet, images[:BATCH], labels[:BATCH], epochs=1, batch_size=BATCH, progress=False)
    started = time.perf_counter()
    train_supernet(supernet, images, labels, epochs=1, batch_size=BATCH, progress=False)
    return (time.perf_counter() - started) / steps


def _duration(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds < 3600 else f"{seconds / 3600:.1f} h"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--space", choices=[k for k in SPACE_KINDS if k != "auto"], default="cell")
    parser.add_argument("--budgets", default="quick,standard", help=f"comma-separated, of {', '.join(BUDGETS)}")
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"{args.space} supernet, batch {BATCH}, {args.threads} thread(s), mean of {args.steps} sandwich steps of train_supernet")
    first = None
    for name in args.budgets.split(","):
        budget = get_budget(name.strip())
        space = choose_space((1, 28, 28), 10, args.space, budget=budget)
        seconds = step_seconds(space, args.steps)
        first = first or seconds
        images = budget.train_subset or TRAIN_IMAGES - budget.validation
        steps = math.ceil(images / BATCH)
        print(f"{budget.name:>9}: {seconds:6.2f} s/step ({seconds / first:5.1f}x {args.budgets.split(',')[0]}), "
              f"{steps} steps/epoch = {seconds * steps / 60:6.1f} min/epoch; "
              f"{budget.supernet_epochs} epochs = {_duration(seconds * steps * budget.supernet_epochs)}", flush=True)


if __name__ == "__main__":
    main()
