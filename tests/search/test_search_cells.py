"""``hwnas search --space cell`` end to end on synthetic data through the CLI: the cell supernet, the
NSGA-II study over cell points, the final training from inherited weights of a graph network, its
lowering through FINN and the check of the lowered graph against the trained model."""

import json

import pytest
import yaml

from hwnas.cli import main
from hwnas.search.budget import get_budget
from hwnas.search.cells import CellSpace
from hwnas.search.settings import QUICK_CELLS, choose_space


def test_space_cell_takes_the_cell_space_and_auto_does_not():
    quick, standard = get_budget("quick"), get_budget("standard")
    assert choose_space((1, 28, 28), 10, "cell", budget=quick).space == QUICK_CELLS
    assert choose_space((3, 32, 32), 10, "cell", budget=standard).space == CellSpace()
    for shape in ((1, 28, 28), (3, 32, 32)):
        for budget in (quick, standard):
            assert not isinstance(choose_space(shape, 10, "auto", budget=budget).space, CellSpace)


@pytest.mark.slow
def test_cell_search_through_the_cli_lowers_a_cell_network(tmp_path, capsys):
    out = tmp_path / "run"
    args = ["search", "--board", "pynq-z2", "--fps", "5000", "--dataset", "synthetic", "--space", "cell",
            "--budget", "quick", "--threads", "1", "--no-progress", "--out", str(out), "--cache-dir", str(tmp_path / "cache")]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "best: searched-t" in printed
    pareto = json.loads((out / "pareto.json").read_text())
    assert pareto and all(p["fps"] >= 5000 for p in pareto)
    # every Pareto point is a cell network: the stem, its pool and cells named s{stage}c{cell}
    for point in pareto:
        names = [layer.get("name") for layer in point["arch"]["layers"]]
        assert names[:2] == ["stem", "stem_pool"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["settings"]["space"] == "cell" and summary["best"]["fits"]
    assert summary["best"]["test_accuracy"] > 0.35  # 4 synthetic classes: chance is 0.25 (2 epochs at quick)
    spec = yaml.safe_load((out / "best" / "arch.yaml").read_text())
    assert spec["layers"][0]["name"] == "stem"
    verification = json.loads((out / "best" / "verification.json").read_text())
    assert verification["agreement"] == 1.0  # FINN's execution of the lowered graph = the trained model
    assert (out / "report.html").is_file() and (out / "best" / "dataflow.onnx").is_file()
    # a rerun resumes: no new trials, the supernet reused
    assert main(args) == 0
    assert "reusing the trained supernet" in (out / "search.log").read_text()
