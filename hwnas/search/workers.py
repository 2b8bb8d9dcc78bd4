"""One search shared by several worker processes through Optuna's storage and artifact store.

Every worker runs the same command against the same storage. Work that must happen once (the
supernet, each final training, the lowering) is a *task*: a trial of a second study,
``<study>-tasks``, enqueued WAITING and claimed by moving it to RUNNING, which Optuna's RDB storage
lets exactly one worker do (``set_trial_state_values`` refuses RUNNING unless the trial is WAITING).
A claimed task's trial beats Optuna's heartbeat while it runs; when a worker dies, a live worker's
``fail_stale_trials`` marks it FAIL after the grace period, ``RetryFailedTrialCallback`` enqueues it
again and another worker claims it. A task's results are its trial's user attributes; its files go
through an ``optuna.artifacts`` store.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hwnas.errors import UserError

POLL_S = 0.5


@dataclass(frozen=True)
class Coordination:
    """Where the workers meet (an Optuna storage URL), and how often they show they are alive."""

    storage: str  # any Optuna RDB URL
    heartbeat_s: int = 10
    grace_s: int = 30


def worker_label() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def open_storage(coordination: Coordination, *, attempts: int = 5):
    """The RDB storage with Optuna's heartbeat: a trial without a beat for the grace period is failed
    by the next worker that looks, and its point enqueued again."""
    import warnings

    import optuna
    import sqlalchemy.exc

    # the heartbeat's retry callback and fail_stale_trials are marked experimental; hwnas relies on them knowingly
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    for attempt in range(attempts):
        try:
            storage = optuna.storages.RDBStorage(
                coordination.storage, heartbeat_interval=coordination.heartbeat_s, grace_period=coordination.grace_s,
                heartbeat_stale_trial_callback=optuna.storages.RetryHeartbeatStaleTrialCallback(max_retry=None),
            )
            if storage.engine.name == "sqlite":
                _serialise_sqlite_transactions(storage.engine)
            return storage
        except sqlalchemy.exc.SQLAlchemyError as exc:
            if not _lost_the_schema_race(exc):
                raise UserError(f"cannot open the study storage {coordination.storage!r}: {str(exc).splitlines()[0]}") from None
            # Workers started together on a new database race to create Optuna's tables; the loser
            # finds them made when it tries again.
            time.sleep(0.5 + attempt)
        except (ValueError, ImportError) as exc:
            raise UserError(f"cannot open the study storage {coordination.storage!r}: {str(exc).splitlines()[0]}") from None
    raise UserError(f"cannot open the study storage {coordination.storage!r}: its tables could not be created")


# How long a worker waits for another's SQLite write lock before "database is locked", in seconds
# (pysqlite's default is 5; the workers' transactions are short, but many beat heartbeats at once).
_SQLITE_LOCK_WAIT_S = 60


def _serialise_sqlite_transactions(engine) -> None:
    """Make every transaction on an SQLite storage take the write lock when it begins.

    Claiming a WAITING trial (Optuna's ``set_trial_state_values(.., RUNNING)``, which both
    ``Study.ask`` and :meth:`Tasks.try_run` rely on) reads the trial ``FOR UPDATE`` and then writes
    RUNNING. SQLite ignores ``FOR UPDATE``, and Python's sqlite3 driver starts a transaction only at
    the first write, so two workers can both read WAITING and both "claim" the trial: they then run
    it twice and the second to finish fails with "Cannot tell a COMPLETE trial". SQLAlchemy's recipe
    for pysqlite (driver transactions off, ``BEGIN IMMEDIATE`` on SQLAlchemy's begin) makes the read
    and the write one locked step. ``tests/search/test_sqlite_claims.py`` shows the race on a plain
    ``RDBStorage`` and its absence here. The hooks are attached once the storage has opened (so the
    SQLite test is the engine's own dialect, not the URL's spelling); the pooled connections opened
    before them are dropped."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _driver_transactions_off(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute(f"PRAGMA busy_timeout = {_SQLITE_LOCK_WAIT_S * 1000}")

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    engine.dispose()


# SQLSTATEs of "it already exists": PostgreSQL's duplicate_object and duplicate_table, and MySQL's
# table-exists (1050) by its message.
_ALREADY_EXISTS = {"42710", "42P07"}


def _lost_the_schema_race(exc) -> bool:
    """Whether opening the storage failed because another worker created Optuna's schema at the same
    time. Optuna's RDBStorage runs SQLAlchemy's ``create_all`` (check, then create, in one
    transaction): on PostgreSQL a worker that looked before the winner committed meets a
    UniqueViolation on pg_type (an IntegrityError) if it blocked on the winner's insert, or a
    DuplicateTable / DuplicateObject (ProgrammingErrors) if the winner had already committed. All
    three mean "try again"; tests/search/test_search_workers.py hits each."""
    import sqlalchemy.exc

    if isinstance(exc, sqlalchemy.exc.IntegrityError):
        return True
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) in _ALREADY_EXISTS or "already exists" in str(orig or exc)


class _Heartbeat:
    """Beats a claimed task trial's heartbeat from a thread while its work runs."""

    def __init__(self, storage, trial_id: int, interval_s: float):
        self._stop = threading.Event()

        def beat() -> None:
            while True:
                storage.record_heartbeat(trial_id)
                if self._stop.wait(interval_s):
                    return

        self._thread = threading.Thread(target=beat, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


class Tasks:
    """Claim-once work shared by the workers of one search."""

    def __init__(self, storage, study_name: str, coordination: Coordination, *, log: Callable[[str], None]):
        import optuna

        self._storage = storage
        self._coordination = coordination
        self._log = log
        self.study = optuna.create_study(study_name=f"{study_name}-tasks", storage=storage, load_if_exists=True)
        self.label = worker_label()

    def _trials(self, key: str) -> list:
        return [t for t in self.study.get_trials(deepcopy=False) if t.user_attrs.get("task") == key]

    def _current(self, key: str):
        """The task's live trial: the first not FAIL one (a retry after a dead worker, or the first
        of two enqueued at once), enqueued when there is none."""
        import optuna

        live = [t for t in self._trials(key) if t.state != optuna.trial.TrialState.FAIL]
        if not live:
            self.study.enqueue_trial({}, user_attrs={"task": key})
            live = [t for t in self._trials(key) if t.state != optuna.trial.TrialState.FAIL]
        return min(live, key=lambda t: t.number)

    def result(self, key: str) -> dict | None:
        """A finished task's user attributes, or None when it has not finished."""
        import optuna

        done = [t for t in self._trials(key) if t.state == optuna.trial.TrialState.COMPLETE]
        return dict(done[0].user_attrs) if done else None

    def try_run(self, key: str, work: Callable[[Callable[[str, Any], None]], None]) -> bool:
        """Run ``work`` if this worker claims ``key``; True when the task is finished (by anyone)."""
        import optuna

        optuna.storages.fail_stale_trials(self.study)
        trial = self._current(key)
        if trial.state == optuna.trial.TrialState.COMPLETE:
            self._retire_duplicates(key, trial.number)
            return True
        if trial.state != optuna.trial.TrialState.WAITING:
            return False
        if not self._storage.set_trial_state_values(trial._trial_id, optuna.trial.TrialState.RUNNING):
            return False  # another worker claimed it first
        trial_id = trial._trial_id
        self._storage.set_trial_user_attr(trial_id, "worker", self.label)

        def record(name: str, value: Any) -> None:
            self._storage.set_trial_user_attr(trial_id, name, value)

        try:
            with _Heartbeat(self._storage, trial_id, self._coordination.heartbeat_s):
                work(record)
        except BaseException:
            # free the task at once (a rerun or another worker enqueues it again), rather than
            # leaving it RUNNING until the heartbeat's grace period has passed
            self._storage.set_trial_state_values(trial_id, optuna.trial.TrialState.FAIL)
            raise
        self._storage.set_trial_state_values(trial_id, optuna.trial.TrialState.COMPLETE, values=[0.0])
        self._retire_duplicates(key, trial.number)
        return True

    def _retire_duplicates(self, key: str, done_number: int) -> None:
        """Fail the task's other WAITING trials once it is done. Two workers that look for a task's
        trial at the same moment may both find none and both enqueue one; the lowest-numbered runs,
        and the other would wait forever. Each is claimed first (RUNNING only from WAITING, so never
        one that a worker is running) and then failed, with the trial that did the work named."""
        import optuna

        for t in self._trials(key):
            if t.state == optuna.trial.TrialState.WAITING and t.number != done_number:
                if self._storage.set_trial_state_values(t._trial_id, optuna.trial.TrialState.RUNNING):
                    self._storage.set_trial_user_attr(t._trial_id, "duplicate_of", done_number)
                    self._storage.set_trial_state_values(t._trial_id, optuna.trial.TrialState.FAIL)

    def run_all(self, jobs: dict[str, Callable[[Callable[[str, Any], None]], None]]) -> dict[str, dict]:
        """Claim and run, one by one, every job no other worker has claimed; wait for the rest
        (taking over those whose worker died). Returns every job's results."""
        pending = list(jobs)
        waited = False
        while pending:
            pending = [key for key in pending if not self.try_run(key, jobs[key])]
            if pending:
                if not waited:
                    self._log(f"waiting for other workers: {', '.join(pending)}")
                    waited = True
                time.sleep(POLL_S)
        return {key: self.result(key) for key in jobs}


def upload(store, path: Path, tasks: Tasks) -> str:
    """``path`` into the artifact store; returns its artifact id."""
    import optuna

    return optuna.artifacts.upload_artifact(artifact_store=store, file_path=str(path), study_or_trial=tasks.study)


def download(store, artifact_id: str, path: Path, *, what: str = "a model", stored_by: str | None = None,
             where: str = "this worker's artifact store") -> Path:
    """An artifact to ``path`` (atomically: a partial file never has the final name). An artifact
    this worker's store does not hold was stored by a worker that uses another store: a UserError
    says to give them all the same ``--artifacts``."""
    import optuna
    from optuna.artifacts.exceptions import ArtifactNotFound

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
    try:
        optuna.artifacts.download_artifact(artifact_store=store, file_path=str(partial), artifact_id=artifact_id)
    except ArtifactNotFound:
        partial.unlink(missing_ok=True)
        by = f"worker {stored_by}" if stored_by else "another worker"
        raise UserError(
            f"cannot read {what} that {by} stored: it is not in {where}; give every worker the same --artifacts "
            "(a folder all of them see)"
        ) from None
    os.replace(partial, path)
    return path


def default_artifacts(storage_url: str, study_name: str, cache_dir: Path) -> Path:
    """The artifact folder of workers given ``--storage`` but no ``--artifacts``, the same for every
    worker on this machine: beside an SQLite database (``study.db`` -> ``study-artifacts/``), else in
    the cache, keyed by a digest of the URL and the study's name. Workers on several machines still
    need one shared ``--artifacts``."""
    import hashlib

    from sqlalchemy.engine import make_url

    url = make_url(storage_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        database = Path(url.database).resolve()
        return database.with_name(f"{database.stem}-artifacts")
    digest = hashlib.sha256(f"{storage_url}\n{study_name}".encode()).hexdigest()[:16]
    return cache_dir / "artifacts" / digest


def claim_worker_index(storage, study_name: str) -> int:
    """This worker's index among the workers that have joined the study: 0 for the first, then 1,
    2, ... The storage hands it out: the number of a trial of ``<study>-workers``, which Optuna's RDB
    storage numbers under a lock on the study's row, so no two workers get the same. A restarted
    worker joins again and gets the next index."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(study_name=f"{study_name}-workers", storage=storage, load_if_exists=True)
    trial_id = storage.create_new_trial(study._study_id)
    storage.set_trial_user_attr(trial_id, "worker", worker_label())
    storage.set_trial_state_values(trial_id, optuna.trial.TrialState.COMPLETE, values=[0.0])
    return storage.get_trial_number_from_id(trial_id)


def worker_seed(seed: int, index: int) -> int:
    """The sampler's seed of worker ``index``: ``seed`` itself for the first (it draws as a search
    without ``--storage`` does), for the others a number derived from both, so that each worker
    draws differently and worker ``index`` of a rerun draws the same again."""
    import hashlib

    if index == 0:
        return seed
    return int.from_bytes(hashlib.sha256(f"hwnas worker {seed} {index}".encode()).digest()[:4], "little")
