"""The differentiable strategy: its hardware term, its derivation, and a whole run through the CLI,
killed after its first epoch and resumed."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch

from hwnas.arch.spec import ImageInput
from hwnas.board import load_board
from hwnas.search.cells import OPS, CellSpace
from hwnas.search.darts_cost import op_costs
from hwnas.search.darts_derive import derive, fit_to_board, uniform_cells
from hwnas.search.darts_net import SearchNetwork, edge_pairs
from hwnas.search.differentiable import macro_point
from hwnas.search.space import SearchSpace
from hwnas.search.study import judge
from tests.conftest import REPO

PYNQ = load_board("pynq-z2")
MACRO = macro_point((16, 32), (1, 1))
SPACE = SearchSpace(ImageInput(1, 28, 28, 8), 10, CellSpace(), name="derived")


def test_hardware_term_moves_alphas_towards_cheaper_ops_and_is_silent_when_the_network_fits():
    costs = op_costs(MACRO, SPACE.space, (1, 28, 28), 10, PYNQ, 1000, fixed_lut=2000)
    lut = costs.lut["normal"][0]
    assert lut[OPS.index("zeroise")] == lut[OPS.index("skip")] == 0
    assert lut[OPS.index("conv3")] > 0 and lut[OPS.index("dilconv3")] > 0
    net = SearchNetwork(MACRO, SPACE.space, (1, 28, 28), 10)
    optimizer = torch.optim.Adam(net.architecture_parameters(), lr=0.05)
    expected = []
    for _ in range(30):  # the penalty alone, with a hinge far below what any cell costs
        weights = net.op_weights(1.0)
        expected.append(float(costs.expected_lut(weights).detach()))
        optimizer.zero_grad()
        costs.penalty(weights, lut_share=0.01).backward()
        optimizer.step()
    final = net.op_weights(1.0)
    for t, w in final.items():
        cheap = w[:, OPS.index("zeroise")] + w[:, OPS.index("skip")]
        assert (cheap > 0.5 + 0.1).all(), t  # from 0.5 at the start, towards the ops that cost nothing
    assert expected[-1] < 0.8 * expected[0]
    # a hinge the expectation stays under gives no gradient at all
    net.alphas["normal"].grad = None
    costs.penalty(net.op_weights(1.0), lut_share=1.0).backward()
    assert net.alphas["normal"].grad is None or not net.alphas["normal"].grad.any()


def skip_heavy_weights(space: CellSpace) -> dict[str, np.ndarray]:
    """Every edge prefers skip, then conv3; node 1's edge from node 0 is the weakest."""
    pairs = edge_pairs(space)
    w = np.tile(np.array([0.1, 0.6, 0.1, 0.2]), (len(pairs), 1))
    w[pairs.index((1, 2))] = [0.5, 0.3, 0.1, 0.1]
    return {"normal": w, "reduce": w.copy()}


def test_derivation_keeps_two_strongest_non_zeroise_edges_and_caps_skips():
    space = CellSpace()
    weights = skip_heavy_weights(space)
    free = derive(weights, space, max_skips=None)
    for t in ("normal", "reduce"):
        assert [free[f"{t}_n{i}_e{e}_op"] for i in range(2) for e in range(2)] == ["skip"] * 4
        assert sorted(free[f"{t}_n1_e{e}_in"] for e in range(2)) == [0, 1]  # not the weak edge from node 0
    capped = derive(weights, space, max_skips=1)
    for t in ("normal", "reduce"):
        ops = [capped[f"{t}_n{i}_e{e}_op"] for i in range(2) for e in range(2)]
        assert ops.count("skip") == 1 and ops.count("conv3") == 3 and "zeroise" not in ops
    none = derive(weights, space, max_skips=0)
    assert "skip" not in none.values()
    SPACE.decode({**MACRO, **capped})  # a valid graph spec


def test_fit_to_board_zeroises_the_weakest_convs_until_the_exact_cost_model_says_it_fits():
    space = CellSpace()
    macro = macro_point((48, 48), (2, 1))
    convs = uniform_cells(macro, space, "conv3")
    fps = 12_000
    assert not judge(SPACE.decode(convs), PYNQ, fps).feasible
    assert judge(SPACE.decode(uniform_cells(macro, space, "zeroise")), PYNQ, fps).feasible
    pairs = edge_pairs(space)
    weights = {t: np.tile(np.linspace(0.1, 0.5, len(pairs))[:, None], (1, len(OPS))) for t in ("normal", "reduce")}
    point, dropped = fit_to_board(convs, weights, space, lambda p: judge(SPACE.decode(p), PYNQ, fps).feasible)
    assert dropped and judge(SPACE.decode(point), PYNQ, fps).feasible
    assert all(point[f"{key}_op"] == "zeroise" for key in dropped)
    assert dropped[0].endswith("_n0_e0")  # the weakest edge (reading input 0 of node 0) goes first


@pytest.mark.slow
def test_cli_run_killed_after_an_epoch_resumes_and_derives_a_feasible_lowered_network(tmp_path):
    out = tmp_path / "run"
    command = [sys.executable, "-m", "hwnas.cli", "search", "--board", "pynq-z2", "--fps", "20000", "--dataset", "synthetic",
               "--budget", "quick", "--strategy", "differentiable", "--stage-widths", "8,16", "--threads", "1",
               "--no-progress", "--out", str(out), "--cache-dir", str(tmp_path / "cache")]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    first = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    state = out / "darts" / "state.pt"
    deadline = time.monotonic() + 120
    while not state.is_file() and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    first.send_signal(signal.SIGKILL)
    first.wait()
    saved = torch.load(state, weights_only=False)["history"]
    assert len(saved) == 1  # killed during the second of quick's three epochs
    second = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True)
    assert second.returncode == 0, second.stderr[-3000:]
    log = (out / "search.log").read_text()
    assert "resuming the differentiable search after epoch 1/3" in log
    history = json.loads((out / "alphas.json").read_text())
    assert [r["epoch"] for r in history] == [1, 2, 3] and history[0]["alphas"] == saved[0]["alphas"]
    derived = json.loads((out / "derived.json").read_text())
    summary = json.loads((out / "summary.json").read_text())
    best = summary["best"]
    assert best["fits"] and best["fps"] >= 20_000 and best["lut"] == derived["lut"]
    assert best["test_accuracy"] > 0.25  # 4 synthetic classes: chance
    assert summary["lowering_agreement"] == 1.0
    kinds = {next(iter(layer)) for layer in best["arch"]["layers"]}
    assert {"add", "concat"} & kinds
    for name in ("derived.yaml", "report.html", "best/arch.yaml", "best/model.pt", "best/dataflow.onnx", "best/estimates.json"):
        assert (out / name).is_file(), name
    assert "best:" in second.stdout and "derived" in second.stdout
