"""The estimate report: a JSON-ready dict, a terminal table, Markdown and a self-contained HTML page.

Python computes every number and every chart coordinate; the Jinja2 templates only lay them out.
"""

from __future__ import annotations


from hwnas.board import LIMITED_KINDS, Board
from hwnas.cost.network import NetworkEstimate
from hwnas.cost.nodes import MVAU, HwNode, LabelSelect, Padding, Pool, SlidingWindow
from hwnas.report.render import render_template
from hwnas.report.table import format_table

_COLUMNS = ["layer", "node", "shape", "PE", "SIMD", "cycles", "LUT", "BRAM18", "URAM", "DSP"]


def node_shape(node: HwNode) -> str:
    if isinstance(node, MVAU):
        mode = "xnor" if node.xnor else f"{node.in_bits}-bit in"
        return f"{node.mw}->{node.mh} x{node.vectors} ({mode})"
    if isinstance(node, SlidingWindow):
        kind = "pool window" if node.depthwise else "window"
        return f"{node.channels}x{node.ifm[0]}x{node.ifm[1]} {kind} k{node.kernel} s{node.stride}"
    if isinstance(node, Padding):
        return f"{node.channels}x{node.ifm[0]}x{node.ifm[1]} pad {node.padding}"
    if isinstance(node, Pool):
        return f"{node.channels}x{node.ofm[0]}x{node.ofm[1]} max k{node.kernel}"
    if isinstance(node, LabelSelect):
        return f"top-1 of {node.labels}"
    return node.describe()


def estimate_dict(result: NetworkEstimate, board: Board, *, target_fps: float | None) -> dict:
    budgets = {kind: board.budget(kind) for kind in LIMITED_KINDS}
    return {
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


def _rows(data: dict) -> list[list]:
    rows = [
        [n["layer"], n["name"], n["shape"], n["pe"], n["simd"], n["cycles"], n["lut"], n["bram18"], n["uram"], n["dsp"]]
        for n in data["nodes"]
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
        f"compute roofline {data['roofline_fps']:,.0f} fps; this folding reaches {data['fps_share_of_roofline']:.1%} of it",
    ]


def format_text(data: dict) -> str:
    return format_table(_COLUMNS, _rows(data)) + "\n\n" + "\n".join(summary_lines(data))


def render_markdown(data: dict) -> str:
    return render_template("estimate.md.j2", dict(data=data, columns=_COLUMNS, rows=_rows(data), summary=summary_lines(data)))


def render_html(data: dict) -> str:
    return render_template("estimate.html.j2", dict(
        data=data, columns=_COLUMNS, rows=_rows(data), summary=summary_lines(data),
        cycles_chart=_cycles_chart(data), resource_chart=_resource_chart(data),
    ))


def _cycles_chart(data: dict) -> dict:
    """Horizontal bars of cycles per node, with the frame's cycle budget as a line."""
    label_w, bar_w, row_h = 260, 520, 18
    top = max([n["cycles"] for n in data["nodes"]] + [data["cycle_budget"] or 0]) or 1
    bars = [
        {
            "y": i * row_h,
            "label": n["name"],
            "width": round(bar_w * n["cycles"] / top, 1),
            "value": f"{n['cycles']:,}",
            "bottleneck": n["name"] == data["bottleneck"],
        }
        for i, n in enumerate(data["nodes"])
    ]
    budget_x = None if data["cycle_budget"] is None else round(label_w + bar_w * data["cycle_budget"] / top, 1)
    return {"label_w": label_w, "bar_w": bar_w, "row_h": row_h, "height": row_h * len(bars) + 24, "bars": bars, "budget_x": budget_x}


def _resource_chart(data: dict) -> dict:
    """Bars of used resources as a share of the device, with the usable limit marked."""
    label_w, bar_w, row_h = 80, 520, 26
    bars = []
    for i, kind in enumerate(LIMITED_KINDS):
        device = data["device"][kind]
        used = data["totals"][kind]
        share = used / device if device else (0.0 if used == 0 else 1.0)
        limit = data["usable"][kind] / device if device else 0.0
        bars.append({
            "y": i * row_h,
            "label": kind.upper(),
            "width": round(bar_w * min(share, 1.0), 1),
            "limit_x": round(label_w + bar_w * limit, 1),
            "value": f"{used:,} / {device:,} ({share:.0%})",
            "over": used > data["usable"][kind],
        })
    return {"label_w": label_w, "bar_w": bar_w, "row_h": row_h, "height": row_h * len(bars) + 8, "bars": bars}
