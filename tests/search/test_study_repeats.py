"""The study measures each point once: a trial that draws a point already measured is no trial."""

from collections import Counter

import optuna

from hwnas.arch.spec import FlatInput
from hwnas.board import load_board
from hwnas.search.space import MlpSpace, RandomChoices, SearchSpace
from hwnas.search.study import open_study, point_key, run_study, unseen_choices

# 2 x (2 + 4) = 12 points: NSGA-II draws many of them twice long before 10 are measured
SPACE = SearchSpace(FlatInput(64, 8), 4, MlpSpace(depths=(1, 2), widths=(16, 32)))


def run(trials: int, **options):
    measured = Counter()

    def accuracy_of(point):
        measured[point_key(point)] += 1
        return 0.5 + 0.01 * sum(v for k, v in point.items() if k.endswith("width"))

    study = open_study(optuna.storages.InMemoryStorage(), seed=3, population=4)
    run_study(study, SPACE, board=load_board("pynq-z2"), fps=1000, accuracy_of=accuracy_of, trials=trials, **options)
    return study, measured


def test_every_trial_is_a_distinct_point_measured_once_and_repeats_are_pruned():
    study, measured = run(10)
    complete = study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))
    keys = [t.user_attrs["point_key"] for t in complete]
    assert len(complete) == 10 and len(set(keys)) == 10
    assert set(measured.values()) == {1} and set(measured) == set(keys)
    repeats = [t for t in study.get_trials(states=(optuna.trial.TrialState.PRUNED,)) if "repeat_of" in t.user_attrs]
    assert repeats, "a 12-point space drawn 10 times by NSGA-II repeats itself"
    for t in repeats:
        assert study.trials[t.user_attrs["repeat_of"]].user_attrs["point_key"] == t.user_attrs["point_key"]
    # each repeat handed a point never seen to a later trial
    assert [t for t in complete if "instead_of_repeat" in t.user_attrs]


def test_a_space_smaller_than_the_trials_ends_with_every_point_once():
    study, measured = run(20, max_repeats=30)
    assert len(measured) == 12 and set(measured.values()) == {1}
    assert len(study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))) == 12


def test_unseen_choices_replay_to_a_new_point():
    import numpy as np

    rng = np.random.default_rng(0)
    seen = {point_key(SPACE.sample(RandomChoices(np.random.default_rng(i)))) for i in range(6)}
    params = unseen_choices(SPACE, seen, rng)

    class Replay:
        def suggest_categorical(self, name, choices):
            return params[name]

    assert point_key(SPACE.sample(Replay())) not in seen
    every = {point_key(SPACE.sample(RandomChoices(np.random.default_rng(i)))) for i in range(500)}
    assert len(every) == 12 and unseen_choices(SPACE, every, rng) is None


def test_a_point_enqueued_for_a_repeat_after_the_study_filled_is_pruned_not_left_waiting():
    """Two workers: one's trial draws a repeat and enqueues a fresh point for its next trial while
    the other's completes the study; whichever returns last prunes the point as surplus."""
    study, _ = run(10)
    study.enqueue_trial({"depth": 1, "fc0_width": 16}, user_attrs={"instead_of_repeat": 99})
    run_study(study, SPACE, board=load_board("pynq-z2"), fps=1000, accuracy_of=lambda point: 0.5, trials=10)
    states = Counter(t.state for t in study.get_trials())
    assert set(states) == {optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED}
    assert "surplus" in study.trials[-1].user_attrs and states[optuna.trial.TrialState.COMPLETE] == 10
