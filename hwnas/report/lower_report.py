"""The report.html of ``hwnas lower``: FINN's own estimates of the folded graph, node by node, against
the board, the time of each lowering step, and links to every file the lowering wrote."""

from __future__ import annotations

import json

from hwnas.board import LIMITED_KINDS, Board
from hwnas.report.estimate_report import cycles_chart_data
from hwnas.report.render import render_template


def render_lower_html(result, board: Board, *, arch_name: str, target_fps: float | None) -> str:
    est = result.estimates
    folding = json.loads(result.folding_path.read_text())
    budget = None if target_fps is None else int(est.clock_mhz * 1e6 // target_fps)
    chart = cycles_chart_data({
        "nodes": [{"name": n.name, "cycles": n.cycles} for n in est.nodes], "cycle_budget": budget,
        "bottleneck": est.bottleneck.name, "target_fps": target_fps,
    })
    resources = []
    for kind in LIMITED_KINDS:
        usable, used = board.budget(kind), est.total(kind)
        share = f"{used / usable:.0%}" if usable else ("0%" if used == 0 else "none usable")
        resources.append({"kind": kind.upper(), "used": used, "usable": usable, "share": share, "over": used > usable})
    out = result.out_dir
    return render_template("lower.html.j2", {
        "est": est, "board": board, "target_fps": target_fps, "chart": chart, "resources": resources,
        "folding": folding, "arch": arch_name,
        "steps": [{"name": s.name, "seconds": s.seconds, "model": s.model_path.relative_to(out).as_posix()} for s in result.steps],
        "files": [p.relative_to(out).as_posix() for p in sorted(out.rglob("*")) if p.is_file() and p.name != "report.html"],
    })
