"""The discrete cells of a differentiable search: DARTS's two strongest incoming edges per node,
BARS's cap on skips, and Zeroise edges dropped until the network fits the board.

A node's edge from a source is as strong as its strongest op other than Zeroise (DARTS); each kept
edge takes that op. More than ``max_skips`` skips in a cell (BARS's control of skip domination)
turns the weakest skips into their strongest parametric op.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from hwnas.search.cells import CellSpace, edge_keys
from hwnas.search.darts_net import edge_pairs

PARAMETRIC = ("conv3", "dilconv3")


def derive(weights: dict[str, np.ndarray], space: CellSpace, *, max_skips: int | None) -> dict[str, Any]:
    """The point keys (``{t}_n{i}_e{e}_op`` / ``_in``) of the cells ``weights`` (per cell type, (pairs,
    ops) softmax weights) choose."""
    ops = list(space.ops)
    live = [k for k, op in enumerate(ops) if op != "zeroise"]
    pairs = edge_pairs(space)
    point: dict[str, Any] = {}
    for t, w in weights.items():
        chosen = []  # (node, edge, pair row, op index)
        for i in range(space.nodes):
            rows = [p for p, (node, _) in enumerate(pairs) if node == i]
            best = {p: max(live, key=lambda k: w[p, k]) for p in rows}
            kept = sorted(rows, key=lambda p: -w[p, best[p]])[:2]
            chosen += [(i, e, p, best[p]) for e, p in enumerate(kept)]
        chosen = _cap_skips(chosen, w, ops, max_skips)
        for i, e, p, k in chosen:
            point[f"{t}_n{i}_e{e}_op"], point[f"{t}_n{i}_e{e}_in"] = ops[k], pairs[p][1]
    return point


def _cap_skips(chosen: list, w: np.ndarray, ops: list[str], max_skips: int | None) -> list:
    parametric = [k for k, op in enumerate(ops) if op in PARAMETRIC]
    if max_skips is None or not parametric:
        return chosen
    skips = sorted((n for n, c in enumerate(chosen) if ops[c[3]] == "skip"), key=lambda n: w[chosen[n][2], chosen[n][3]])
    demoted = set(skips[: max(0, len(skips) - max_skips)])
    capped = []
    for n, (i, e, p, k) in enumerate(chosen):
        capped.append((i, e, p, max(parametric, key=lambda q: w[p, q]) if n in demoted else k))
    return capped


def fit_to_board(point: dict[str, Any], weights: dict[str, np.ndarray], space: CellSpace,
                 fits: Callable[[dict[str, Any]], bool]) -> tuple[dict[str, Any], list[str]]:
    """Zeroise the weakest parametric edges, one at a time, until ``fits(point)``; returns the point
    and the edges dropped (empty when it fit as derived). Stops, unfitted, when none is left."""
    ops = list(space.ops)
    pairs = edge_pairs(space)
    point = dict(point)
    dropped: list[str] = []
    while not fits(point):
        candidates = []
        for t, w in weights.items():
            for key in [k for k in point if k.startswith(f"{t}_n") and k.endswith("_op") and point[k] in PARAMETRIC]:
                node = int(key.split("_n")[1].split("_")[0])
                row = pairs.index((node, point[key.replace("_op", "_in")]))
                candidates.append((w[row, ops.index(point[key])], key))
        if not candidates:
            break
        _, weakest = min(candidates)
        point[weakest] = "zeroise"
        dropped.append(weakest.removesuffix("_op"))
    return point, dropped


def uniform_cells(macro: dict, space: CellSpace, op: str) -> dict:
    """``macro`` with every edge ``op``, edge e of each node reading the cell's input e."""
    point = dict(macro)
    for t, i, e in edge_keys(space):
        if t == "normal" or macro["stages"] > 1:
            point[f"{t}_n{i}_e{e}_op"], point[f"{t}_n{i}_e{e}_in"] = op, e
    return point
