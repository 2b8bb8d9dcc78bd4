"""The search's report.html: what the search saw (every trial, by the supernet's estimate) and what
training then measured (the chosen network against FINN's references), the chosen network layer by
layer, the check of its lowering, and links to every file in ``best/``. One self-contained file."""

from __future__ import annotations

import json
from pathlib import Path

from hwnas.report.plot import Axis, Rule, Series, count, percent_axis, plot
from hwnas.report.render import render_template

SEARCH_COLOR, CHOSEN_COLOR, REFERENCE_COLOR, REJECTED_COLOR, LIMIT_COLOR = "#3a6fc4", "#1a8a3a", "#d9730d", "#b8322a", "#b8322a"


def _lut_axis(luts: list[float], budget: float) -> Axis:
    """Log scale when the LUTs span more than a decade (rejected designs can be far over the board)."""
    positive = [v for v in luts if v > 0]
    spread = max(positive) / min(positive) if positive else 1
    # both panels span every LUT count drawn in either, so their x positions compare
    span = (min(positive), max(positive), budget) if spread > 10 else (min(positive), max(positive))
    return Axis("LUT (cost-model estimate at the target fps)", fmt=count, log=spread > 10, include=span)


def search_plots(outcome, settings) -> list[dict]:
    """Two panels on one LUT axis: the supernet's estimates of every trial, then test accuracies after training."""
    trials = list(outcome.trials)
    feasible = [t for t in trials if t["feasible"]]
    front = {p["trial"] for p in outcome.pareto}
    rejected = [t for t in trials if not t["feasible"] and t["lut"] > 0]
    too_slow = sum(1 for t in trials if not t["feasible"] and t["lut"] == 0)
    budget = settings.board.budget("lut")
    chosen_trial = outcome.best.arch.name.removeprefix("searched-t")
    trained = [outcome.best] + [found for _, found in outcome.matched if found.arch.name != outcome.best.arch.name]
    luts = [t["lut"] for t in trials] + [c.lut for c in trained] + [r.lut for r in outcome.references]
    x_axis = _lut_axis(luts, budget)
    limit = Rule(f"usable LUT on {settings.board.name}", LIMIT_COLOR, x=budget)

    def tip(t):
        return f"trial {t['trial']}: {t['supernet_val_accuracy']:.1%}, {t['lut']:,} LUT, {t['bram18']} BRAM18, {t['fps']:,.0f} fps"

    accuracies = [t["supernet_val_accuracy"] for t in feasible]
    search_series = [
        Series(f"feasible trial ({len(feasible)})", "circle", SEARCH_COLOR, [(t["lut"], t["supernet_val_accuracy"], tip(t)) for t in feasible if t["trial"] not in front], filled=False),
        Series(f"Pareto front ({len(front)})", "circle", SEARCH_COLOR, [(t["lut"], t["supernet_val_accuracy"], tip(t)) for t in feasible if t["trial"] in front], line=True),
        Series(f"rejected by the cost model ({len(rejected)}), unmeasured", "cross", REJECTED_COLOR,
               [(t["lut"], 0.0, f"trial {t['trial']}: rejected, {t['hardware']}") for t in rejected], pinned=True),
    ]
    chosen = [t for t in feasible if str(t["trial"]) == chosen_trial]
    if chosen:
        search_series.append(Series("chosen network", "star", CHOSEN_COLOR, [(t["lut"], t["supernet_val_accuracy"], tip(t)) for t in chosen]))
    first = plot(
        "What the search saw: supernet accuracy on validation images (inherited weights)",
        x_axis, percent_axis("supernet validation accuracy", accuracies or [0, 1]), search_series, [limit] if x_axis.log or budget <= max(luts) else [],
    )
    first["note"] = (f"Not drawn: {too_slow} rejected trial{'s' if too_slow != 1 else ''} that no folding makes fast enough, "
                     "so no LUT count to place." if too_slow else "")

    refs = outcome.references
    test_accuracies = [c.test_accuracy for c in trained] + [r.test_accuracy for r in refs]
    second = plot(
        "After training: test accuracy",
        x_axis, percent_axis("test accuracy", test_accuracies),
        [
            Series("chosen network", "star", CHOSEN_COLOR, [(outcome.best.lut, outcome.best.test_accuracy, f"{outcome.best.arch.name}: {outcome.best.test_accuracy:.2%}, {outcome.best.lut:,} LUT")]),
            Series("searched, within a reference's LUTs", "diamond", CHOSEN_COLOR,
                   [(c.lut, c.test_accuracy, f"{c.arch.name}: {c.test_accuracy:.2%}, {c.lut:,} LUT") for c in trained[1:]], filled=False),
            Series("FINN reference, same training", "triangle", REFERENCE_COLOR,
                   [(r.lut, r.test_accuracy, f"{r.arch.name}: {r.test_accuracy:.2%}, {r.lut:,} LUT" + ("" if r.fits else " (does not fit)")) for r in refs], names=True),
        ],
        [limit] if x_axis.log or budget <= max(luts) else [],
    )
    second["note"] = ""
    return [first, second]


def training_note(budget) -> str:
    """How the chosen network and the references were trained, in words, so the comparison is fair to read."""
    refs = f"The references were trained from scratch for {budget.final_epochs} epochs on the same images"
    if budget.final_from == "inherited":
        return (f"{refs}; the chosen network was fine-tuned for {budget.final_epochs} epochs from the weights it "
                f"inherits from the supernet (itself trained {budget.supernet_epochs} epochs), so it has seen more training.")
    return f"{refs}, and so was the chosen network (same recipe, epochs and data)."


def _read(path: Path) -> dict | None:
    return json.loads(path.read_text()) if path.is_file() else None


def lowering_check(best_dir: Path) -> dict:
    """FINN's execution of the lowered graph against the trained model, and FINN's own estimate of
    the lowered graph against the cost model's (both from the files the lowering wrote)."""
    finn, ours = _read(best_dir / "finn_estimates.json"), _read(best_dir / "estimates.json")
    totals = []
    if finn and ours:
        totals = [{"kind": kind.upper(), "finn": finn["total"][kind], "ours": ours["totals"][kind]}
                  for kind in ("lut", "bram18", "uram", "dsp")]
        totals.append({"kind": "cycles per frame", "finn": max(n["cycles"] for n in finn["nodes"]),
                       "ours": ours["cycles_per_frame"]})
    return {"verification": _read(best_dir / "verification.json"), "totals": totals}


def best_files(best_dir: Path) -> list[dict]:
    """Every file under ``best/``, as links relative to report.html."""
    return [
        {"href": f"{best_dir.name}/{p.relative_to(best_dir).as_posix()}", "name": p.relative_to(best_dir).as_posix(),
         "size": p.stat().st_size}
        for p in sorted(best_dir.rglob("*")) if p.is_file()
    ]


def write_search_report(outcome, settings, path: Path) -> Path:
    from hwnas.arch.spec import arch_from_dict
    from hwnas.search.space import describe

    best_dir = outcome.out_dir / "best"
    pareto = [{**p, "layers": describe(arch_from_dict(p["arch"], source=f"trial {p['trial']}"))} for p in outcome.pareto]
    context = {
        "settings": settings.identity(),
        "budget": settings.budget.describe(),
        "board": settings.board,
        "best": outcome.best,
        "references": outcome.references,
        "pareto": pareto,
        "agreement": outcome.agreement,
        "seconds": outcome.seconds,
        "plots": search_plots(outcome, settings),
        "training": training_note(settings.budget),
        "matched": outcome.matched,
        "layers": (_read(best_dir / "estimates.json") or {}).get("nodes", []),
        "check": lowering_check(best_dir),
        "files": best_files(best_dir),
        "class_names": outcome.class_names,
    }
    path.write_text(render_template("search.html.j2", context))
    return path
