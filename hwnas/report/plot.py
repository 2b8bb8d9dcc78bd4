"""Scatter and line plots for the HTML reports, as plain data: Python places every mark, tick and
legend entry in pixels; ``templates/_plot.html.j2`` only draws them as inline SVG.

Ticks fall on round values (1, 2, 2.5 or 5 times a power of ten; on a log axis 1, 2, 5 times one),
and the legend sits inside the plot, in the corner with the fewest marks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 360
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 28, 46  # margins in pixels: tick labels left, axis title below


@dataclass(frozen=True)
class Series:
    label: str
    marker: str  # circle, square, triangle, diamond, cross, star
    color: str
    points: Sequence[tuple[float, float, str]]  # (x, y, tooltip)
    filled: bool = True
    line: bool = False  # join the points in x order
    names: bool = False  # write each point's tooltip beside it
    pinned: bool = False  # y is ignored: the marks sit in a row along the bottom of the plot


@dataclass(frozen=True)
class Rule:
    """A horizontal (``y``) or vertical (``x``) line across the plot, such as a board's limit."""

    label: str
    color: str
    x: float | None = None
    y: float | None = None
    dash: str = "5 3"


@dataclass(frozen=True)
class Axis:
    title: str
    fmt: Callable[[float], str] = field(default=lambda v: f"{v:,.0f}")
    log: bool = False
    include: Sequence[float] = ()  # values the range must show besides the data (a limit, zero)


def nice_step(span: float, count: int = 5) -> float:
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def linear_ticks(lo: float, hi: float) -> tuple[float, float, list[float]]:
    """A range from ``lo`` to ``hi`` widened to round ends, and the round ticks in it."""
    if hi <= lo:
        lo, hi = lo - abs(lo) * 0.1 - 1e-9, hi + abs(hi) * 0.1 + 1e-9
    step = nice_step(hi - lo)
    start, stop = math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step
    ticks = [start + i * step for i in range(round((stop - start) / step) + 1)]
    return start, stop, [round(t, 12) for t in ticks]


def log_ticks(lo: float, hi: float) -> tuple[float, float, list[float]]:
    """Round ends and ticks on a log axis: 1, 2, 5 per decade, or whole decades when those are many."""
    first, last = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    candidates = [m * 10**e for e in range(first, last + 1) for m in (1, 2, 5)]
    start = max(t for t in candidates if t <= lo * (1 + 1e-9))
    stop = min(t for t in candidates if t >= hi * (1 - 1e-9))
    ticks = [t for t in candidates if start <= t <= stop]
    if len(ticks) > 9:
        ticks = [t for t in ticks if math.log10(t).is_integer()] or ticks
    return start, stop, ticks


def _range(values: list[float], axis: Axis) -> tuple[float, float, list[float], Callable[[float], float]]:
    values = [v for v in [*values, *axis.include] if not axis.log or v > 0]
    lo, hi = min(values), max(values)
    if axis.log:
        lo, hi, ticks = log_ticks(lo, hi if hi > lo else lo * 10)
        return lo, hi, ticks, lambda v: (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
    lo, hi, ticks = linear_ticks(lo, hi)
    return lo, hi, ticks, lambda v: (v - lo) / (hi - lo)


def plot(
    title: str, x_axis: Axis, y_axis: Axis, series: Sequence[Series], rules: Sequence[Rule] = (), *,
    width: int = WIDTH, height: int = HEIGHT,
) -> dict:
    """Everything ``_plot.html.j2`` draws, in pixels. Rules outside the data's range widen it."""
    xs = [p[0] for s in series for p in s.points] + [r.x for r in rules if r.x is not None]
    ys = [p[1] for s in series if not s.pinned for p in s.points] + [r.y for r in rules if r.y is not None]
    _, _, xticks, x_share = _range(xs, x_axis)
    _, _, yticks, y_share = _range(ys, y_axis)
    left, right, top, bottom = LEFT, width - RIGHT, TOP, height - BOTTOM
    # marks keep clear of the frame; pinned marks get a strip of their own below the data
    pad, strip = 8, 18 if any(s.pinned and s.points for s in series) else 0
    px = lambda v: round(left + pad + x_share(v) * (right - left - 2 * pad), 1)
    py = lambda v: round(bottom - strip - pad - y_share(v) * (bottom - strip - top - 2 * pad), 1)
    drawn = [
        {
            "label": s.label, "marker": s.marker, "color": s.color, "filled": s.filled, "names": s.names,
            "points": [{"x": px(x), "y": bottom - 7 if s.pinned else py(y), "tip": tip}
                       for x, y, tip in s.points if not x_axis.log or x > 0],
            "path": " ".join(f"{px(x)},{py(y)}" for x, y, _ in sorted(s.points)) if s.line else "",
        }
        for s in series
    ]
    lines = []
    for r in rules:
        if r.x is not None:
            lines.append({"x1": px(r.x), "x2": px(r.x), "y1": top, "y2": bottom, "color": r.color, "dash": r.dash,
                          "label": r.label, "lx": px(r.x) - 4, "ly": top + 12, "anchor": "end"})
        else:
            lines.append({"x1": left, "x2": right, "y1": py(r.y), "y2": py(r.y), "color": r.color, "dash": r.dash,
                          "label": r.label, "lx": left + 6, "ly": py(r.y) - 4, "anchor": "start"})
    return {
        "title": title, "width": width, "height": height, "left": left, "right": right, "top": top, "bottom": bottom,
        "xlabel": x_axis.title, "ylabel": y_axis.title,
        "xticks": [{"px": px(t), "label": x_axis.fmt(t)} for t in xticks],
        "yticks": [{"px": py(t), "label": y_axis.fmt(t)} for t in yticks],
        "series": drawn, "rules": lines, "strip_y": bottom - strip if strip else None,
        "legend": _legend(drawn, lines, left, right, top, bottom),
    }


def _legend(series: list[dict], rules: list[dict], left, right, top, bottom) -> dict:
    """The legend box inside the plot, where it hides no rule's label and the fewest marks."""
    entries = [s for s in series if s["points"]]
    row, w = 16, 16 + 7 * max([len(s["label"]) for s in entries] + [4]) + 10
    h = row * len(entries) + 8
    marks = [(p["x"] - 6, p["y"] - 6, p["x"] + 6, p["y"] + 6) for s in series for p in s["points"]]
    labels = []
    for r in rules:
        width = 6.5 * len(r["label"])
        x0 = r["lx"] - width if r["anchor"] == "end" else r["lx"]
        labels.append((x0, r["ly"] - 11, x0 + width, r["ly"] + 3))
    middle = (left + right - w) / 2
    spots = [(x, y) for y in (top + 6, bottom - h - 6) for x in (right - w - 6, left + 6, middle)]

    def hidden(spot):
        x, y = spot
        overlaps = lambda box: box[0] < x + w and box[2] > x and box[1] < y + h and box[3] > y
        return 100 * sum(map(overlaps, labels)) + sum(map(overlaps, marks))

    x, y = min(spots, key=hidden)
    return {"x": x, "y": y, "w": w, "h": h,
            "entries": [{**s, "ex": x + 12, "ey": y + 12 + i * row} for i, s in enumerate(entries)]}


def percent_axis(title: str, values: Sequence[float]) -> Axis:
    """An accuracy axis (values 0..1) labelled in percent, with as many decimals as its round step needs."""
    ticks = linear_ticks(min(values), max(values))[2] if values else [0.0, 1.0]
    step = 100 * (ticks[1] - ticks[0]) if len(ticks) > 1 else 10.0
    digits = next(d for d in range(5) if abs(step * 10**d - round(step * 10**d)) < 1e-6 or d == 4)
    return Axis(title, fmt=lambda v: f"{100 * v:.{digits}f}%")


def count(v: float) -> str:
    """1,000 and 20k style: short labels for counts that span decades."""
    if v >= 10_000:
        return f"{v / 1000:,.0f}k"
    return f"{v:,.0f}" if v >= 1 else f"{v:g}"
