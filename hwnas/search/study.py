"""The Optuna study: accuracy up, board-normalised resources down, the cost model as constraint.

Each trial draws a point of the space, judges its hardware with the cost model first (fits the
board, meets the frame rate) and measures accuracy only for feasible points, so infeasible
candidates cost microseconds. The study lives in an Optuna storage (SQLite inside the run folder
unless ``--storage`` names another): every finished trial is committed, a killed search loses
none, re-running the same command resumes, and several workers can share it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from hwnas.arch.spec import Arch
from hwnas.board import Board
from hwnas.errors import UserError
from hwnas.search.space import SearchSpace

STUDY_NAME = "hwnas-search"


@dataclass(frozen=True)
class Judgement:
    """The cost model's verdict on one architecture at the target frame rate."""

    feasible: bool
    violation: float  # 0 when feasible; how far over the board's budget (or the fps) otherwise
    resource_share: float  # LUT + BRAM18 utilisation of the usable budget (board-normalised)
    lut: int
    bram18: int
    fps: float
    reason: str
    folding_config: dict | None


def judge(arch: Arch, board: Board, fps: float) -> Judgement:
    """Fold ``arch`` for ``fps`` with the cost model's optimiser and check it fits ``board``.

    An infeasible design still gets a graded violation (how far its cheapest folding at this rate
    overshoots the board), so the sampler can tell nearly-fitting designs from hopeless ones.
    """
    import math

    from hwnas.cost import cheapest_folding, estimate, hardware_nodes, plan_folding

    try:
        plan = plan_folding(arch, board, fps=fps)
    except UserError as exc:
        folding = cheapest_folding(arch, board, cycles_per_frame=math.floor(board.clock_mhz * 1e6 / fps))
        if folding is None:  # no folding is that fast, whatever the resources
            return Judgement(False, 10.0, 10.0, 0, 0, 0.0, str(exc), None)
        est = estimate(arch, folding, board)
        over = max(est.utilisation.values()) - 1.0
        share = est.utilisation["lut"] + est.utilisation["bram18"]
        return Judgement(False, max(over, 1e-6), share, est.lut, est.bram18, est.fps, str(exc), None)
    est = plan.estimate
    share = est.utilisation["lut"] + est.utilisation["bram18"]
    config = plan.folding.to_finn_config(hardware_nodes(arch))
    return Judgement(True, 0.0, share, est.lut, est.bram18, est.fps, "fits", config)


def point_key(point: dict[str, Any]) -> str:
    return json.dumps(point, sort_keys=True)


class _RecordedChoices:
    """A choice source that remembers every named choice it made, so that a trial can replay them."""

    def __init__(self, source):
        self._source = source
        self.params: dict[str, Any] = {}

    def suggest_categorical(self, name: str, choices: list) -> Any:
        self.params[name] = value = self._source.suggest_categorical(name, choices)
        return value


def unseen_choices(space: SearchSpace, seen: set[str], rng, *, draws: int = 200) -> dict[str, Any] | None:
    """The raw choices (``enqueue_trial``'s params) of a random point whose key is not in ``seen``,
    or None when ``draws`` draws found none."""
    from hwnas.search.space import RandomChoices

    for _ in range(draws):
        recorded = _RecordedChoices(RandomChoices(rng))
        if point_key(space.sample(recorded)) not in seen:
            return recorded.params
    return None


def judging_fingerprint(space: SearchSpace, board: Board, fps: float, *, samples: int = 48) -> str:
    """A digest of how trials are judged: the board's figures and the cost model's verdicts on a
    fixed sample of the space. A resumed study's stored trials (their LUT, BRAM18, fps and
    feasibility) are only valid if it is unchanged, e.g. after an hwnas upgrade changed the cost
    model or the board file was edited. Costs a few milliseconds."""
    import hashlib

    import numpy as np

    from hwnas.search.space import RandomChoices

    rng = np.random.default_rng(0)
    archs = [space.smallest(), space.largest(), *(space.decode(space.sample(RandomChoices(rng))) for _ in range(samples))]
    verdicts = [(j.feasible, j.lut, j.bram18, round(j.fps, 3)) for j in (judge(a, board, fps) for a in archs)]
    figures = dict(part=board.part, clock_mhz=board.clock_mhz, resources=vars(board.resources),
                   limits=board.utilisation_limits)
    blob = json.dumps([figures, fps, verdicts], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def open_study(storage, *, seed: int, population: int):
    """The search's study in ``storage`` (an Optuna storage object), created by the first worker."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # Optuna 5 reads constraints recorded with Trial.set_constraint (constraints_func is deprecated).
    sampler = optuna.samplers.NSGAIISampler(population_size=population, seed=seed)
    return optuna.create_study(
        study_name=STUDY_NAME, storage=storage, directions=["maximize", "minimize"], sampler=sampler, load_if_exists=True,
    )


def check_study_identity(study, identity: dict, *, where: str, legacy: dict | None = None) -> None:
    """Record the settings and the judging fingerprint in the study (the first worker does), or
    refuse a worker whose settings or cost estimates differ from those the study's trials were
    judged under. ``legacy``: what an older hwnas recorded in the run folder's search.json."""
    saved = study.user_attrs.get("identity")
    if saved is None:  # a new study, or one an older hwnas made and described in search.json
        saved = legacy if legacy is not None else identity
        study.set_user_attr("identity", saved)
    diff = ", ".join(
        f"{k}: {saved.get(k)!r} there, {v!r} now" for k, v in identity.items() if k != "judging" and saved.get(k) != v
    )
    if diff:
        raise UserError(f"{where} holds a search with other settings ({diff}); use another --out or --storage")
    if saved.get("judging") != identity.get("judging"):
        raise UserError(
            f"{where} holds a search whose trials were judged by other cost estimates (the cost model or the board "
            "file changed since); use another --out or --storage, or delete that study"
        )


def run_study(
    study,
    space: SearchSpace,
    *,
    board: Board,
    fps: float,
    accuracy_of: Callable[[dict[str, Any]], float],
    trials: int,
    worker: str = "",
    poll_s: float = 0.5,
    log: Callable[[str], None] = lambda line: None,
    log_every: int = 16,
    seed: int = 0,
    max_repeats: int | None = None,
):
    """Take part in the study until it holds ``trials`` finished trials; returns the study.

    Several workers may share the study. Trial numbers are handed out by the storage, and a trial
    numbered after ``trials`` others that are finished or running is pruned unmeasured, so the study
    ends with exactly ``trials`` COMPLETE trials, each a distinct point. A trial that draws a point
    already measured (or that another worker is measuring: it waits for it) is pruned, so it neither
    counts nor enters NSGA-II's population a second time, and a random point never seen is enqueued
    for the next trial (seeded by ``seed`` and the trial's number); after ``max_repeats`` such draws
    (default 4 x ``trials``: a space with fewer points) the study ends with what it has. A worker
    that dies leaves its trial RUNNING until a live worker's ``fail_stale_trials`` (Optuna's
    heartbeat) fails it; the retry callback then enqueues the same point again. A trial still WAITING
    when the study ends (a repeat's fresh point, enqueued as another worker completed the study) is
    pruned as surplus. ``log`` gets a plain line every ``log_every`` finished trials (a generation of
    NSGA-II) and at the end.
    """
    import optuna

    State = optuna.trial.TrialState
    max_repeats = 4 * trials if max_repeats is None else max_repeats

    def finished() -> dict[str, Any]:
        return {t.user_attrs["point_key"]: t for t in study.get_trials(deepcopy=False, states=(State.COMPLETE,))}

    def measuring(key: str, number: int) -> bool:
        """Whether an earlier live trial is measuring the point ``key`` now."""
        return any(
            t.number < number and t.user_attrs.get("point_key") == key and "surplus" not in t.user_attrs
            for t in study.get_trials(deepcopy=False, states=(State.RUNNING,))
        )

    def objective(trial):
        trial.set_user_attr("worker", worker)
        ahead = [t for t in study.get_trials(deepcopy=False, states=(State.COMPLETE, State.RUNNING))
                 if t.number < trial.number and "surplus" not in t.user_attrs]
        if len(ahead) >= trials:
            trial.set_user_attr("surplus", True)
            raise optuna.TrialPruned("the study holds its trials already")
        point = space.sample(trial)
        key = point_key(point)
        arch = space.decode(point)
        trial.set_user_attr("point_key", key)
        trial.set_user_attr("arch", arch.to_dict())
        while measuring(key, trial.number):
            time.sleep(poll_s)
            optuna.storages.fail_stale_trials(study)
        known = finished()
        earlier = known.get(key)
        if earlier is not None:  # measured already: not a trial; the next trial gets a point never seen
            trial.set_user_attr("repeat_of", earlier.number)
            fresh = unseen_choices(space, set(known), np.random.default_rng([seed, trial.number]))
            if fresh is not None:
                study.enqueue_trial(fresh, user_attrs={"instead_of_repeat": trial.number})
            raise optuna.TrialPruned(f"the point of trial {earlier.number}")
        verdict = judge(arch, board, fps)
        trial.set_user_attr("violation", verdict.violation)
        trial.set_constraint("hardware", verdict.violation)
        trial.set_user_attr("lut", verdict.lut)
        trial.set_user_attr("bram18", verdict.bram18)
        trial.set_user_attr("fps", verdict.fps)
        trial.set_user_attr("hardware", verdict.reason)
        trial.set_user_attr("folding_config", verdict.folding_config)
        if not verdict.feasible:
            trial.set_user_attr("accuracy_source", "not measured: infeasible")
            return 0.0, verdict.resource_share
        trial.set_user_attr("accuracy_source", "supernet (inherited weights, recalibrated BatchNorm)")
        return accuracy_of(point), verdict.resource_share

    def close_leftovers() -> None:
        """Prune, as surplus, the trials still WAITING when the study ends: a point enqueued for a
        repeat's next trial while another worker's trial completed the study. Each is claimed first
        (WAITING -> RUNNING, which the storage lets one worker do) so that none a worker has taken
        is touched; every worker does this before it returns, so the last to enqueue one prunes it."""
        storage = study._storage
        for t in study.get_trials(deepcopy=False, states=(State.WAITING,)):
            if storage.set_trial_state_values(t._trial_id, State.RUNNING):
                storage.set_trial_user_attr(t._trial_id, "surplus", True)
                storage.set_trial_state_values(t._trial_id, State.PRUNED)

    started = time.perf_counter()
    logged = len(finished())
    while True:
        optuna.storages.fail_stale_trials(study)
        done = finished()
        complete = len(study.get_trials(deepcopy=False, states=(State.COMPLETE,)))
        if complete // log_every > logged // log_every or (complete >= trials > logged):
            feasible = [t for t in done.values() if t.user_attrs["violation"] <= 0]
            best = max((t.values[0] for t in feasible), default=0.0)
            log(f"trials {min(complete, trials)}/{trials} done: {len(feasible)} distinct feasible, best supernet "
                f"accuracy {best:.2%}, {time.perf_counter() - started:.0f} s")
            logged = complete
        if complete >= trials:
            close_leftovers()
            return study
        repeats = len([t for t in study.get_trials(deepcopy=False, states=(State.PRUNED,)) if "repeat_of" in t.user_attrs])
        if repeats >= max_repeats:
            log(f"the space gave no new point in {repeats} draws: {complete} distinct points measured")
            close_leftovers()
            return study
        running = [t for t in study.get_trials(deepcopy=False, states=(State.RUNNING,)) if "surplus" not in t.user_attrs]
        if complete + len(running) >= trials:  # the last trials are another worker's: wait for them
            time.sleep(poll_s)
            continue
        study.optimize(objective, n_trials=1, show_progress_bar=False)


def trial_records(study) -> list[dict]:
    """Every finished trial as the report draws it: LUT, BRAM18, fps, the cost model's verdict and,
    when feasible, the supernet's accuracy."""
    import optuna

    return [
        {"trial": t.number, "feasible": t.user_attrs["violation"] <= 0, "lut": t.user_attrs["lut"],
         "bram18": t.user_attrs["bram18"], "fps": t.user_attrs["fps"], "supernet_val_accuracy": t.values[0],
         "hardware": t.user_attrs["hardware"]}
        for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    ]


def pareto_trials(study) -> list:
    """Feasible trials that no other feasible trial beats on both accuracy and resources."""
    import optuna

    feasible = [
        t for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
        if t.user_attrs["violation"] <= 0
    ]
    front = []
    for t in feasible:
        acc, res = t.values
        dominated = any(
            (o.values[0] >= acc and o.values[1] <= res) and (o.values[0] > acc or o.values[1] < res) for o in feasible
        )
        if not dominated:
            front.append(t)
    unique = {t.user_attrs["point_key"]: t for t in sorted(front, key=lambda t: t.number)}
    return sorted(unique.values(), key=lambda t: t.values[1])
