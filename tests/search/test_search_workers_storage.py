"""Workers on one machine given ``--storage`` alone (no ``--artifacts``), on a real SQLite
database: they find one artifact store without being told, a worker whose store lacks a model
another stored says so in one line, and each worker draws its own points, reproducibly."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

WORKER = Path(__file__).with_name("search_worker.py")


def start_worker(tmp: Path, name: str, storage: str, cache: Path) -> subprocess.Popen:
    """A worker with its own run folder, the shared storage and no artifact folder."""
    settings = tmp / f"{name}.json"
    settings.write_text(json.dumps({"out": str(tmp / name / "run"), "cache": str(cache), "storage": storage}))
    log = open(tmp / f"{name}.log", "w")
    return subprocess.Popen([sys.executable, str(WORKER), str(settings)], stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=REPO)


@pytest.mark.slow
def test_two_workers_with_storage_alone_share_a_default_artifact_store(tmp_path):
    import optuna

    from hwnas.board import load_board
    from hwnas.errors import UserError
    from hwnas.search.run import SearchSettings, search
    from search_worker import TRIALS, WORKER_BUDGET

    storage = f"sqlite:///{tmp_path / 'shared.db'}"
    cache = tmp_path / "cache"  # one machine: the default cache is the same for both
    workers = {name: start_worker(tmp_path, name, storage, cache) for name in ("a", "b")}
    logs = {}
    for name, proc in workers.items():
        proc.wait(timeout=300)
        logs[name] = (tmp_path / f"{name}.log").read_text()
        assert proc.returncode == 0, logs[name][-4000:]

    State = optuna.trial.TrialState
    study = optuna.load_study(study_name="hwnas-search", storage=storage)
    states = {t.state for t in study.get_trials(deepcopy=False)}
    assert states <= {State.COMPLETE, State.PRUNED}, states
    assert len(study.get_trials(deepcopy=False, states=(State.COMPLETE,))) == TRIALS
    assert len([p for p in (tmp_path / "a" / "run" / "best", tmp_path / "b" / "run" / "best") if p.is_dir()]) == 1
    # both printed the one default folder, beside the database
    folder = tmp_path / "shared-artifacts"
    for log in logs.values():
        assert [line for line in log.splitlines() if line.startswith("artifact store")] == [
            f"artifact store (the models the workers pass on): {folder}; workers on other machines need one shared --artifacts"
        ]
    assert len(list(folder.iterdir())) >= 4  # the supernet and the trained models
    # each worker has its own index, claimed through the storage
    joined = optuna.load_study(study_name="hwnas-search-workers", storage=storage).get_trials(deepcopy=False)
    assert sorted(t.number for t in joined) == [0, 1]
    assert sorted(line.split(" (")[0] for log in logs.values() for line in log.splitlines()
                  if line.startswith("worker ")) == ["worker 0 of the study", "worker 1 of the study"]

    # A worker with another store (e.g. on another machine, without --artifacts) cannot read the
    # supernet the others stored: one line says what to do, instead of a traceback.
    other = SearchSettings(dataset="synthetic", board=load_board("pynq-z2"), fps=20_000, budget=WORKER_BUDGET,
                           out_dir=tmp_path / "c" / "run", cache_dir=tmp_path / "c" / "cache", space="mlp", threads=1,
                           progress=False, storage=storage, artifacts=tmp_path / "c" / "artifacts")
    with pytest.raises(UserError) as caught:
        search(other, log=lambda line: None)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("cannot read the supernet that worker ") and "--artifacts" in message
    assert str(tmp_path / "c" / "artifacts") in message


def test_the_default_artifact_folder_is_beside_an_sqlite_database_and_else_keyed_in_the_cache(tmp_path, monkeypatch):
    from hwnas.search.workers import default_artifacts

    cache = tmp_path / "cache"
    assert default_artifacts(f"sqlite:///{tmp_path / 'db' / 'study.db'}", "s", cache) == tmp_path / "db" / "study-artifacts"
    monkeypatch.chdir(tmp_path)  # a relative SQLite path is the cwd's, as SQLite opens it
    assert default_artifacts("sqlite:///rel.db", "s", cache) == tmp_path / "rel-artifacts"
    url = "postgresql+psycopg://user@dbhost/hwnas"
    folder = default_artifacts(url, "hwnas-search", cache)
    assert folder.parent == cache / "artifacts"
    assert default_artifacts(url, "hwnas-search", cache) == folder  # every worker derives the same
    assert default_artifacts(url + "2", "hwnas-search", cache) != folder
    assert default_artifacts(url, "other", cache) != folder


def first_draws(storage_url: str, *, workers: int = 2, draws: int = 8) -> dict[int, list[str]]:
    """What each of ``workers`` workers joining the study in ``storage_url`` in turn samples first
    (the study's sampler, seeded as the search seeds it), drawing in turn."""
    import optuna

    from hwnas.search.settings import choose_space
    from hwnas.search.budget import get_budget
    from hwnas.search.study import STUDY_NAME, open_study, point_key
    from hwnas.search.workers import claim_worker_index, worker_seed

    space = choose_space((1, 16, 16), 4, "mlp", budget=get_budget("quick"))
    storage = optuna.storages.RDBStorage(storage_url)
    studies = {}
    for _ in range(workers):
        index = claim_worker_index(storage, STUDY_NAME)
        studies[index] = open_study(storage, seed=worker_seed(0, index), population=16)
    found = {index: [] for index in studies}
    for _ in range(draws):
        for index, study in studies.items():
            trial = study.ask()
            found[index].append(point_key(space.sample(trial)))
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
    storage.engine.dispose()
    return found


def test_workers_draw_differently_and_a_rerun_s_worker_of_the_same_index_draws_the_same(tmp_path):
    first = first_draws(f"sqlite:///{tmp_path / 'one.db'}")
    assert sorted(first) == [0, 1]  # the storage handed out the indices
    # the space is small, so a point may come up for both; the sequences are another's
    assert sum(x == y for x, y in zip(first[0], first[1])) <= 1
    again = first_draws(f"sqlite:///{tmp_path / 'two.db'}")
    assert again == first
