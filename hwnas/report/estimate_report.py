"""The estimate report: a JSON-ready dict, a terminal table, Markdown and a self-contained HTML page.

Python computes every number and every chart coordinate; the Jinja2 templates only lay them out.
"""

from __future__ import annotations


from hwnas.board import LIMITED_KINDS, Board
from hwnas.cost.network import NetworkEstimate
from hwnas.hw import HwNode
from hwnas.report.render import render_template
from hwnas.report.table import format_table

_COLUMNS = ["layer", "node", "shape", "PE", "SIMD", "cycles", "LUT", "BRAM18", "URAM", "DSP"]


def node_shape(node: HwNode) -> str:
    return node.describe()


def estimate_dict(result: NetworkEstimate, board: Board, *, target_fps: float | None) -> dict:
    budgets = {kind: board.budget(kind) for kind in LIMITED_KINDS}
    data = {
        "arch": result.arch_name,
        "board": board.name,
        "part": board.part,
        "clock_mhz": result.clock_mhz,
        "target_fps": target_fps,
        "cycle_budget": None if target_fps is None else int(result.clock_mhz * 1e6 // target_fps),
        "fps": result.fps,
        "cycles_per_frame": result.cycles_per_frame,
        "latency_us": result.latency_us,
        "bottleneck": result.bottleneck,
        "binding_resource": result.binding_resource,
        "fits": result.fits,
        "roofline_fps": result.roofline_fps,
        "fps_share_of_roofline": result.fps / result.roofline_fps,
        "totals": {kind: getattr(result, kind) for kind in LIMITED_KINDS},
        "usable": budgets,
        "device": {kind: getattr(board.resources, kind) for kind in LIMITED_KINDS},
        "utilisation": dict(result.utilisation),
        "nodes": [
            {
                "layer": e.node.layer,
                "name": e.name,
                "op_type": e.node.op_type,
                "shape": node_shape(e.node),
                "pe": e.fold.pe,
                "simd": e.fold.simd,
                "parallel_window": e.fold.parallel_window,
                "cycles": e.cost.cycles_per_frame,
                "lut": e.cost.lut,
                "bram18": e.cost.bram18,
                "uram": e.cost.uram,
                "dsp": e.cost.dsp,
            }
            for e in result.nodes
        ],
    }
    if result.fifos:  # every stream deeper than the handshake, and join inputs (hwnas.cost.fifos); in the totals
        data["fifos"] = [
            {
                "name": f.name, "op_type": f.op_type, "producer": f.producer, "consumer": f.consumer,
                "port": f.port, "at_producer": f.at_producer, "depth": f.depth, "width": f.width, "ram_style": f.ram_style,
                "lut": f.lut, "bram18": f.bram18, "uram": f.uram,
            }
            for f in result.fifos
        ]
    return data


def _rows(data: dict) -> list[list]:
    rows = [
        [n["layer"], n["name"], n["shape"], n["pe"], n["simd"], n["cycles"], n["lut"], n["bram18"], n["uram"], n["dsp"]]
        for n in data["nodes"]
    ]
    rows += [
        ["", f["name"], f"{f['depth']}x{f['width']}b {f['ram_style']} to {f['consumer']}", "", "", 0,
         f["lut"], f["bram18"], f["uram"], 0]
        for f in data.get("fifos", ())
    ]
    t, u = data["totals"], data["usable"]
    rows.append(["", "total", "", "", "", data["cycles_per_frame"], t["lut"], t["bram18"], t["uram"], t["dsp"]])
    rows.append(["", "usable on board", "", "", "", data["cycle_budget"] or "", int(u["lut"]), int(u["bram18"]), int(u["uram"]), int(u["dsp"])])
    return rows


def summary_lines(data: dict) -> list[str]:
    util = ", ".join(f"{k.upper()} {v:.0%}" for k, v in data["utilisation"].items())
    target = "" if data["target_fps"] is None else f" (target {data['target_fps']:,.0f}, budget {data['cycle_budget']:,} cycles)"
    return [
        f"{data['arch']} on {data['board']} ({data['part']}) at {data['clock_mhz']:g} MHz",
        f"fps {data['fps']:,.0f}{target}; latency {data['latency_us']:,.1f} us",
        f"bottleneck {data['bottleneck']} ({data['cycles_per_frame']:,} cycles/frame); binding resource {data['binding_resource'].upper()}",
        f"utilisation of usable resources: {util}; fits: {'yes' if data['fits'] else 'NO'}",
        _roofline_line(data),
    ]


def _roofline_line(data: dict) -> str:
    """How far this folding is from the compute bound, in words that read right at 0.03% too."""
    roofline, share = data["roofline_fps"], data["fps_share_of_roofline"]
    head = f"compute roofline {roofline:,.0f} fps (every usable LUT an XNOR-popcount lane)"
    if share >= 0.01:
        return f"{head}; this folding reaches {share:.0%} of it"
    target = data["target_fps"]
    if target is None:
        why = ""
    elif data["fps"] < 2 * target:
        why = ", folded only as far as the target needs"
    elif all(node.get("pe", 1) == 1 and node.get("simd", 1) == 1 for node in data["nodes"]):
        why = f"; it runs at {data['fps'] / target:,.1f}x the target because every node is fully folded already"
    else:
        # the optimiser's folding can run well above the target: a slower legal folding may cost
        # more (deeper stream FIFOs on skips and concats), not exist between PE/SIMD divisors, or be
        # one the optimiser misses on branching networks (README, "Cell search at quick")
        why = f"; at {data['fps'] / target:,.1f}x the target it is still the cheapest folding the optimiser found that meets it"
    return f"{head}; this folding runs {1 / share:,.0f} times slower{why}"


def format_text(data: dict) -> str:
    return format_table(_COLUMNS, _rows(data)) + "\n\n" + "\n".join(summary_lines(data))


def render_markdown(data: dict) -> str:
    return render_template("estimate.md.j2", dict(data=data, columns=_COLUMNS, rows=_rows(data), summary=summary_lines(data)))


def render_html(data: dict, *, speed_cost: list[dict] | None = None) -> str:
    """The page; ``speed_cost`` (from :func:`speed_cost`) adds the plots of LUT and BRAM18 against fps."""
    return render_template("estimate.html.j2", dict(
        data=data, columns=_COLUMNS, rows=_rows(data), summary=summary_lines(data),
        cycles_chart=cycles_chart_data(data), resource_chart=_resource_chart(data),
        speed_plots=_speed_plots(data, speed_cost) if speed_cost else [],
    ))


def cycles_chart_data(data: dict) -> dict:
    """Horizontal bars of cycles per node; the frame's cycle budget is a line labelled in a row of its
    own above the bars, and the values stand in a column right of every bar, so nothing overlaps."""
    # 11 px sans-serif runs under 6.5 px a character: the label column fits the longest node name
    label_w, bar_w, row_h, head = round(6.5 * max(len(n["name"]) for n in data["nodes"])) + 16, 460, 18, 18
    top = max([n["cycles"] for n in data["nodes"]] + [data["cycle_budget"] or 0]) or 1
    bars = [
        {
            "y": head + i * row_h,
            "label": n["name"],
            "width": round(bar_w * n["cycles"] / top, 1),
            "value": f"{n['cycles']:,}",
            "bottleneck": n["name"] == data["bottleneck"],
        }
        for i, n in enumerate(data["nodes"])
    ]
    budget = None
    if data["cycle_budget"] is not None:
        x = round(label_w + bar_w * data["cycle_budget"] / top, 1)
        budget = {"x": x, "anchor": "end" if x > label_w + bar_w / 2 else "start",
                  "label": f"cycle budget {data['cycle_budget']:,} (target {data['target_fps']:,.0f} fps)"}
    return {"label_w": label_w, "bar_w": bar_w, "row_h": row_h, "head": head, "value_x": label_w + bar_w + 10,
            "width": label_w + bar_w + 90, "height": head + row_h * len(bars) + 4, "bars": bars, "budget": budget}


def _resource_chart(data: dict) -> dict:
    """Bars of used resources as a share of what is usable (the basis of every percentage in the
    report), with 100% marked; a bar over it is drawn to its length on a longer scale."""
    label_w, bar_w, row_h = 80, 460, 26
    shares = {}
    for kind in LIMITED_KINDS:
        usable, used = data["usable"][kind], data["totals"][kind]
        shares[kind] = used / usable if usable else (0.0 if used == 0 else float("inf"))
    scale = max([1.0] + [min(s, 2.0) for s in shares.values()])
    bars = [
        {
            "y": i * row_h,
            "label": kind.upper(),
            "width": round(bar_w * min(shares[kind], 2.0) / scale, 1),
            "value": f"{data['totals'][kind]:,} of {int(data['usable'][kind]):,} usable ({shares[kind]:.0%})",
            "over": shares[kind] > 1,
        }
        for i, kind in enumerate(LIMITED_KINDS)
    ]
    return {"label_w": label_w, "bar_w": bar_w, "row_h": row_h, "height": row_h * len(bars) + 8, "bars": bars,
            "limit_x": round(label_w + bar_w / scale, 1), "value_x": label_w + bar_w + 10}


def speed_cost(arch, board: Board, *, points: int = 24) -> list[dict]:
    """LUT and BRAM18 of the optimiser's folding for target rates from the slowest (everything fully
    folded) to the highest that still fits the board, log-spaced. Empty when nothing fits."""
    import math

    from hwnas.cost import plan_folding, reachable_fps
    from hwnas.errors import UserError

    highest, _ = reachable_fps(arch, board)
    try:
        slowest = plan_folding(arch, board, fps=1e-6).estimate.fps
    except UserError:
        return []
    if not highest >= slowest > 0:
        return []
    rates = [slowest * (highest / slowest) ** (i / (points - 1)) for i in range(points)] if highest > slowest else [slowest]
    found = []
    for rate in rates:
        try:
            plan = plan_folding(arch, board, fps=math.floor(rate * 1e6) / 1e6)
        except UserError:  # the top rate rounded past what fits
            continue
        found.append({"target_fps": rate, "lut": plan.estimate.lut, "bram18": plan.estimate.bram18, "fps": plan.estimate.fps})
    return found


def _speed_plots(data: dict, sweep: list[dict]) -> list[dict]:
    from hwnas.report.plot import Axis, Rule, Series, count, plot

    x_axis = Axis("target frames per second (log scale)", fmt=count, log=True)
    plots = []
    for kind, name in (("lut", "LUT"), ("bram18", "BRAM18")):
        rules = [
            Rule(f"usable {name} ({int(data['usable'][kind]):,})", "#b8322a", y=data["usable"][kind]),
            Rule(f"device {name} ({data['device'][kind]:,})", "#777", y=data["device"][kind], dash="2 3"),
        ]
        if data["target_fps"] is not None:
            rules.append(Rule("target", "#1a8a3a", x=data["target_fps"]))
        points = [(p["target_fps"], p[kind], f"{p['target_fps']:,.0f} fps: {p[kind]:,} {name}") for p in sweep]
        plots.append(plot(f"{name} of the cheapest folding against target fps", x_axis, Axis(name, fmt=count),
                          [Series(f"{name}, optimiser's folding", "circle", "#3a6fc4", points, line=True)], rules,
                          width=440, height=320))
    return plots
