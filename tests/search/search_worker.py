"""One search worker, as a separate process: ``python search_worker.py SETTINGS.json``.

The tests start several of these on one study; a tiny budget and a short heartbeat keep them fast."""

import json
import sys
from pathlib import Path

from hwnas.board import load_board
from hwnas.search.budget import Budget
from hwnas.search.run import SearchSettings, search

TRIALS = 24
WORKER_BUDGET = Budget("tiny-workers", 1_500, 600, 200, 2, TRIALS, 8, 1, 1, "inherited", 40)


def main(path: str) -> None:
    given = json.loads(Path(path).read_text())
    settings = SearchSettings(
        dataset="synthetic", board=load_board("pynq-z2"), fps=20_000, budget=WORKER_BUDGET, out_dir=Path(given["out"]),
        cache_dir=Path(given["cache"]), space="mlp", threads=1, progress=False, storage=given["storage"],
        artifacts=Path(given["artifacts"]) if given.get("artifacts") else None, heartbeat_s=1, grace_s=3,
    )
    outcome = search(settings, log=lambda line: print(line, flush=True))
    print(f"done: best {outcome.best.arch.name}, report in {outcome.out_dir}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
