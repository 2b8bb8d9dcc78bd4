"""The search's report.html: the Pareto front in accuracy against LUTs, with FINN's references."""

from __future__ import annotations

from pathlib import Path

from hwnas.report.render import render_template

WIDTH, HEIGHT, MARGIN = 640, 400, 60


def _scale(values: list[float], lo_px: float, hi_px: float):
    lo, hi = min(values), max(values)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.08
    lo, hi = lo - pad, hi + pad
    return (lambda v: lo_px + (v - lo) / (hi - lo) * (hi_px - lo_px)), (lo, hi)


def plot_points(outcome, settings) -> dict:
    """Pixel positions for the SVG: x = LUT, y = accuracy (validation for the front, test for trained)."""
    front = [(p["lut"], p["supernet_val_accuracy"], f"trial {p['trial']}") for p in outcome.pareto]
    trained = [(c.lut, c.test_accuracy, c.arch.name) for c in [outcome.best]]
    refs = [(r.lut, r.test_accuracy, r.arch.name + ("" if r.fits else " (does not fit)")) for r in outcome.references]
    everything = front + trained + refs
    x_of, (x_lo, x_hi) = _scale([p[0] for p in everything], MARGIN, WIDTH - 20)
    y_of, (y_lo, y_hi) = _scale([p[1] for p in everything], HEIGHT - MARGIN, 20)

    def place(points):
        return [{"x": round(x_of(x), 1), "y": round(y_of(y), 1), "label": label, "lut": x, "acc": y} for x, y, label in points]

    ticks_x = [x_lo + (x_hi - x_lo) * i / 4 for i in range(5)]
    ticks_y = [y_lo + (y_hi - y_lo) * i / 4 for i in range(5)]
    budget_lut = settings.board.budget("lut")
    return {
        "width": WIDTH, "height": HEIGHT, "margin": MARGIN,
        "front": place(sorted(front)), "trained": place(trained), "references": place(refs),
        "xticks": [{"px": round(x_of(v), 1), "label": f"{v:,.0f}"} for v in ticks_x],
        "yticks": [{"px": round(y_of(v), 1), "label": f"{v:.1%}"} for v in ticks_y],
        "budget_px": round(x_of(budget_lut), 1) if x_lo <= budget_lut <= x_hi else None,
    }


def training_note(budget) -> str:
    """How the chosen network and the references were trained, in words, so the comparison is fair to read."""
    refs = f"The references were trained from scratch for {budget.final_epochs} epochs on the same images"
    if budget.final_from == "inherited":
        return (f"{refs}; the chosen network was fine-tuned for {budget.final_epochs} epochs from the weights it "
                f"inherits from the supernet (itself trained {budget.supernet_epochs} epochs), so it has seen more training.")
    return f"{refs}, and so was the chosen network (same recipe, epochs and data)."


def write_search_report(outcome, settings, path: Path) -> Path:
    context = {
        "settings": settings.identity(),
        "budget": settings.budget.describe(),
        "board": settings.board,
        "best": outcome.best,
        "references": outcome.references,
        "pareto": outcome.pareto,
        "agreement": outcome.agreement,
        "seconds": outcome.seconds,
        "plot": plot_points(outcome, settings),
        "training": training_note(settings.budget),
        "matched": outcome.matched,
        "class_names": outcome.class_names,
    }
    path.write_text(render_template("search.html.j2", context))
    return path
