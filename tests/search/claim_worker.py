"""One process claiming WAITING trials: ``python claim_worker.py URL START_AT plain|hwnas``.

Waits until START_AT (a time.time()) so that all processes start together, then tries to move each
WAITING trial of the study "claims" to RUNNING, as Optuna's ``Study.ask`` and hwnas's ``Tasks`` do,
and prints the ids it claimed as JSON."""

import json
import sys
import time

import optuna

from hwnas.search.workers import Coordination, open_storage


def main(url: str, start_at: str, storage_kind: str) -> None:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = optuna.storages.RDBStorage(url) if storage_kind == "plain" else open_storage(Coordination(url))
    study = optuna.load_study(study_name="claims", storage=storage)
    waiting = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.WAITING,))
    while time.time() < float(start_at):
        time.sleep(0.001)
    claimed = []
    for trial in waiting:
        try:
            if storage.set_trial_state_values(trial._trial_id, optuna.trial.TrialState.RUNNING):
                claimed.append(trial._trial_id)
        except optuna.exceptions.UpdateFinishedTrialError:
            pass
    print(json.dumps(claimed))


if __name__ == "__main__":
    main(*sys.argv[1:])
