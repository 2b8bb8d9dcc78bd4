"""``hwnas search``: from a board, a frame rate and a dataset to a trained, lowered network.

Stages, each leaving its results in the study or the run folder so a killed run resumes where it
stopped: feasibility check (cost model) -> supernet (cached per dataset, reused across boards and
rates) -> Optuna study (SQLite in the run folder, or any --storage) -> Pareto front -> final
training of the best candidates -> reference networks trained the same way -> lowering of the
chosen network -> report. Several workers on one --storage share every stage (``workers.py``).

The run is a sequence of steps, each its own module, none importing this one or a later step:
settings (``settings.py``) -> start: space, feasibility, folder, study (``start.py``) -> data
(``inputs.py``) -> strategy (``evolution.py``, or ``differentiable.py`` which runs its own steps)
-> finish: final trainings, lowering, report (``finish.py``). The import contract in
pyproject.toml holds the order.
"""

from __future__ import annotations

from collections.abc import Callable

from hwnas.search.evolution import evolve
from hwnas.search.final import SearchOutcome
from hwnas.search.finish import finish
from hwnas.search.inputs import load_search_data
from hwnas.search.settings import SearchSettings
from hwnas.search.start import start

__all__ = ["SearchSettings", "search"]


def search(settings: SearchSettings, *, log: Callable[[str], None] = print) -> SearchOutcome:
    """Search, train, lower and report (the README's "Search" section); a rerun resumes."""
    if settings.strategy == "differentiable":
        from hwnas.search.differentiable import differentiable_search

        return differentiable_search(settings, log=log)
    run = start(settings, log=log)
    data = load_search_data(settings, run.space, run.dataset, run.data_identity, log=run.log)
    return finish(run, data, evolve(run, data))
