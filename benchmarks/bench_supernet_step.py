"""What a supernet epoch costs on this machine, budget by budget: seconds per sandwich step.

Builds the supernet the search would build for ``--space`` at each budget (Fashion-MNIST's shape),
times ``--steps`` sandwich steps (largest, smallest and two random subnets, as
:func:`hwnas.search.supernet.train_supernet` takes them) on random images of batch 128 after one
warm-up step, and prints the median step, the steps in one of that budget's epochs, and what the
budget's supernet epochs take at that pace. Side by side in one run, so the ratio between budgets
holds whatever else the machine is doing.

    PYTHONPATH=. python benchmarks/bench_supernet_step.py --space cell --threads 1
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import numpy as np
import torch

from hwnas.search.budget import BUDGETS, get_budget
from hwnas.search.run import SPACE_KINDS, choose_space
from hwnas.search.space import ExtremeChoices, RandomChoices
from hwnas.search.supernet import SuperNet, sandwich_backward

BATCH = 128
TRAIN_IMAGES = 60_000  # Fashion-MNIST's training split


def step_seconds(space, steps: int, rng) -> float:
    supernet = SuperNet(space).train()
    optimizer = torch.optim.Adam(supernet.parameters(), lr=1e-2)
    largest, smallest = space.sample(ExtremeChoices(largest=True)), space.sample(ExtremeChoices(largest=False))
    x, y = torch.rand(BATCH, 1, 28, 28) * 255, torch.randint(0, 10, (BATCH,))
    times = []
    for _ in range(steps + 1):  # the first step warms up torch's kernels and is dropped
        started = time.perf_counter()
        optimizer.zero_grad()
        others = [smallest] + [space.sample(RandomChoices(rng)) for _ in range(2)]
        sandwich_backward(supernet, x, y, largest, others, distill=False)
        optimizer.step()
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


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
    rng = np.random.default_rng(0)
    print(f"{args.space} supernet, batch {BATCH}, {args.threads} thread(s), median of {args.steps} sandwich steps")
    first = None
    for name in args.budgets.split(","):
        budget = get_budget(name.strip())
        space = choose_space((1, 28, 28), 10, args.space, budget=budget)
        seconds = step_seconds(space, args.steps, rng)
        first = first or seconds
        images = budget.train_subset or TRAIN_IMAGES - budget.validation
        steps = math.ceil(images / BATCH)
        print(f"{budget.name:>9}: {seconds:6.2f} s/step ({seconds / first:5.1f}x {args.budgets.split(',')[0]}), "
              f"{steps} steps/epoch = {seconds * steps / 60:6.1f} min/epoch; "
              f"{budget.supernet_epochs} epochs = {_duration(seconds * steps * budget.supernet_epochs)}", flush=True)


if __name__ == "__main__":
    main()
