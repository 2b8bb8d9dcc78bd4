"""Claim-once tasks on a real SQLite storage: one worker runs a task, another sees it taken, a failed
task is freed at once and runs again, results travel in the task's attributes and files through the
artifact store."""

import re

import optuna
import pytest

from hwnas.search.workers import Coordination, Tasks, download, open_storage, upload


@pytest.fixture
def two_workers(tmp_path):
    coordination = Coordination(f"sqlite:///{tmp_path / 'study.db'}", heartbeat_s=1, grace_s=3)
    return [Tasks(open_storage(coordination), "s", coordination, log=lambda line: None) for _ in range(2)]


def test_a_task_runs_once_and_the_other_worker_sees_it_taken(two_workers):
    a, b = two_workers
    runs = []

    def work(record):
        runs.append("a")
        assert b.try_run("job", lambda record: runs.append("b")) is False  # a holds it
        record("answer", 42)

    assert a.try_run("job", work) is True
    assert b.try_run("job", lambda record: runs.append("b")) is True  # finished: nothing to do
    assert runs == ["a"] and b.result("job")["answer"] == 42


def test_a_failed_task_is_freed_at_once_and_runs_again(two_workers):
    a, b = two_workers

    def broken(record):
        raise RuntimeError("worker crashed")

    with pytest.raises(RuntimeError):
        a.try_run("job", broken)
    states = [t.state for t in a.study.get_trials(deepcopy=False)]
    assert states == [optuna.trial.TrialState.FAIL]
    assert b.run_all({"job": lambda record: record("done", True)}) == {"job": {"task": "job", "worker": b.label, "done": True}}


def test_a_task_enqueued_twice_at_once_runs_once_and_the_spare_is_retired(two_workers):
    """Both workers looked for the task's trial at the same moment, found none and enqueued one each
    (the race the search's PostgreSQL worker test once hit): the first runs, the spare does not wait
    forever but is failed with the trial that did the work named."""
    a, b = two_workers
    for _ in range(2):
        a.study.enqueue_trial({}, user_attrs={"task": "job"})
    runs = []
    assert a.try_run("job", lambda record: runs.append("a")) is True
    assert b.try_run("job", lambda record: runs.append("b")) is True
    trials = a.study.get_trials(deepcopy=False)
    assert runs == ["a"]
    assert [t.state for t in trials] == [optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.FAIL]
    assert trials[1].user_attrs["duplicate_of"] == trials[0].number


def test_files_travel_through_the_artifact_store(two_workers, tmp_path):
    a, _ = two_workers
    store = optuna.artifacts.FileSystemArtifactStore(str(tmp_path))
    (tmp_path / "model.pt").write_bytes(b"weights")
    artifact = upload(store, tmp_path / "model.pt", a)
    assert download(store, artifact, tmp_path / "elsewhere" / "model.pt").read_bytes() == b"weights"


@pytest.mark.slow
def test_a_dead_worker_s_task_is_failed_by_the_heartbeat_and_taken_over(tmp_path):
    """A worker claimed the task, beat once and died: after the grace period the next worker that
    looks fails it, Optuna's retry callback enqueues it again, and that worker runs it."""
    coordination = Coordination(f"sqlite:///{tmp_path / 'study.db'}", heartbeat_s=1, grace_s=2)
    dead, alive = (Tasks(open_storage(coordination), "s", coordination, log=lambda line: None) for _ in range(2))
    claimed = dead._current("job")
    storage = dead.study._storage
    assert storage.set_trial_state_values(claimed._trial_id, optuna.trial.TrialState.RUNNING)
    storage.record_heartbeat(claimed._trial_id)
    assert alive.try_run("job", lambda record: None) is False  # alive within the grace period
    assert alive.run_all({"job": lambda record: record("by", "alive")})["job"]["by"] == "alive"
    states = sorted(t.state.name for t in alive.study.get_trials(deepcopy=False))
    assert states == ["COMPLETE", "FAIL"]


@pytest.mark.parametrize("url", ["postgresql+psycopg://nobody@/nodb?host=/nonexistent", "foo://bar"])
def test_a_storage_that_cannot_be_opened_is_a_user_error(url):
    from hwnas.errors import UserError

    with pytest.raises(UserError, match=re.escape(f"cannot open the study storage '{url}'")):
        open_storage(Coordination(url))
