"""The search's last step after the evolution strategy: the front's best points and the reference
networks trained the same way (claimed one by one by the workers), the chosen network lowered
with the folding decided when it was judged, the summary and the report."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

from hwnas.arch.reference import reference_archs
from hwnas.arch.spec import Arch, arch_from_dict
from hwnas.data.dataset import write_class_names
from hwnas.search.evolution import Evolved
from hwnas.search.final import (
    SearchOutcome, candidate_from, final_config, lower_best, record_candidate, train_candidate, write_summary,
)
from hwnas.search.inputs import SearchData
from hwnas.search.start import SearchRun
from hwnas.search.study import judge, trial_records
from hwnas.search.workers import download


def finish(run: SearchRun, data: SearchData, evolved: Evolved) -> SearchOutcome:
    settings, log, tasks, store, out_dir = run.settings, run.log, run.tasks, run.store, run.out_dir
    budget, study, started = settings.budget, run.study, run.started
    dataset, train_index, val_index, data_key = data.dataset, data.train_index, data.val_index, data.key
    front, pareto, supernet, calib = evolved.front, evolved.pareto, evolved.supernet, evolved.calib
    image_shape, classes = run.image_shape, run.classes

    def trial_arch(trial) -> Arch:
        arch = arch_from_dict(trial.user_attrs["arch"], source=f"trial {trial.number}")
        return Arch(f"searched-t{trial.number}", arch.input, arch.classes, arch.layers)

    def train_trial(trial, record) -> None:
        """Train one Pareto point (a rerun in the same folder resumes it)."""
        arch = trial_arch(trial)
        init = None
        if budget.final_from == "inherited":
            from hwnas.model import save_checkpoint
            from hwnas.search.inherit import subnet_model

            model, _ = subnet_model(supernet, json.loads(trial.user_attrs["point_key"]), calib)
            (out_dir / "candidates").mkdir(exist_ok=True)
            init = save_checkpoint(model, arch, out_dir / "candidates" / f"t{trial.number}-inherited.pt")
        record_candidate(record, train_candidate(arch, dataset, settings, out_dir / "candidates" / f"t{trial.number}",
                                                   train_index, val_index, init=init, log=log), store, tasks)

    def train_reference(ref: Arch, record) -> None:
        # the training recipe's digest: references trained by another recipe are other runs
        recipe = final_config(dataset.name, settings).digest()
        ref_dir = settings.cache_dir / "references" / f"{data_key}-{budget.name}-seed{settings.seed}-{recipe}" / ref.name
        record_candidate(record, train_candidate(ref, dataset, settings, ref_dir, train_index, val_index, init=None, log=log),
                          store, tasks)

    # Every final training is known before any starts (a reference's LUTs are the cost model's), so
    # the workers claim them one by one. The comparison at matched cost: for each reference that
    # fits, the Pareto point the search ranks highest among those using no more LUTs than that
    # reference, trained the same way.
    finalists = sorted(front, key=lambda t: -t.values[0])[: budget.final_candidates]
    refs = reference_archs(image_shape, classes)
    verdicts = {ref.name: judge(ref, settings.board, settings.fps) for ref in refs}
    matched_trials = {}
    for ref in refs:
        within = [t for t in front if t.user_attrs["lut"] <= verdicts[ref.name].lut]
        if verdicts[ref.name].feasible and within:
            matched_trials[ref.name] = max(within, key=lambda t: t.values[0])
    jobs = {}
    for trial in [*finalists, *matched_trials.values()]:
        jobs[f"train t{trial.number}"] = (trial_arch(trial), lambda record, trial=trial: train_trial(trial, record))
    for ref in refs:
        jobs[f"reference {ref.name}"] = (ref, lambda record, ref=ref: train_reference(ref, record))
    # The largest first (binary MACs per image, as a measure of training time): LFC costs many
    # times a small candidate, and claimed last it would leave the other workers idle at the end.
    from hwnas.cost import hardware_nodes
    from hwnas.cost.network import binary_macs_per_frame

    by_size = sorted(jobs, key=lambda key: -binary_macs_per_frame(hardware_nodes(jobs[key][0])))
    results = tasks.run_all({key: jobs[key][1] for key in by_size})
    candidates = [candidate_from(trial_arch(t), results[f"train t{t.number}"]) for t in finalists]
    best_trial = finalists[max(range(len(candidates)), key=lambda i: candidates[i].val_accuracy)]
    best = candidates[finalists.index(best_trial)]
    references = [candidate_from(ref, results[f"reference {ref.name}"]) for ref in refs]
    matched = [(ref, candidate_from(trial_arch(matched_trials[ref.arch.name]), results[f"train t{matched_trials[ref.arch.name].number}"]))
               for ref in references if ref.arch.name in matched_trials]

    def lower_and_report(record) -> None:
        model_path = out_dir / "candidates" / f"t{best_trial.number}" / "model.pt"
        if not model_path.is_file():  # trained by another worker
            trained = results[f"train t{best_trial.number}"]
            download(store, trained["model"], model_path, what=f"the model of {best.arch.name}",
                     stored_by=trained.get("worker"), where=settings.artifacts_description())
        chosen = dataclasses.replace(best, model_path=model_path)
        agreement = lower_best(chosen, dataset, settings, out_dir / "best", log=log)
        write_class_names(dataset, out_dir / "best")
        outcome = SearchOutcome(out_dir, chosen, pareto, references, agreement, time.perf_counter() - started, matched,
                                dataset.label_names(), tuple(trial_records(study)))
        write_summary(outcome, settings)
        from hwnas.search.report import write_search_report

        write_search_report(outcome, settings, out_dir / "report.html")
        log(f"report: {out_dir / 'report.html'}")
        record("agreement", agreement)
        record("out_dir", str(out_dir))

    lowered = tasks.run_all({"lower and report": lower_and_report})["lower and report"]
    if lowered["out_dir"] != str(out_dir):
        log(f"another worker lowered the chosen network and wrote the report into its {lowered['out_dir']}")
    local_model = out_dir / "candidates" / f"t{best_trial.number}" / "model.pt"
    best = dataclasses.replace(best, model_path=local_model if local_model.is_file() else None)
    return SearchOutcome(Path(lowered["out_dir"]), best, pareto, references, lowered["agreement"],
                         time.perf_counter() - started, matched, dataset.label_names(),
                         tuple(trial_records(study)))
