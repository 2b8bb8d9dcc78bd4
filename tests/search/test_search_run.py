"""The whole search on synthetic data with a tiny budget: real supernet, Optuna study in SQLite,
Brevitas training, FINN lowering and the check of the lowered graph."""

import json
import sqlite3
import subprocess
import sys

import pytest
import yaml

from hwnas.board import load_board
from hwnas.errors import UserError
from hwnas.search.budget import Budget
from hwnas.search.report import CHOSEN_COLOR, REFERENCE_COLOR, SEARCH_COLOR
from hwnas.search.run import SearchSettings, search
from tests.report.chromium import colour_pixels, hex_rgb, needs_chromium, open_page

pytestmark = pytest.mark.slow

TINY = Budget("tiny", 1_500, 300, 200, 2, 12, 6, 1, 1, "inherited", 60)


def settings(tmp_path, **overrides):
    values = dict(
        dataset="synthetic", board=load_board("pynq-z2"), fps=20_000, budget=TINY, out_dir=tmp_path / "run",
        cache_dir=tmp_path / "cache", seed=0, space="mlp", threads=1, progress=False,
    )
    values.update(overrides)
    return SearchSettings(**values)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("search")
    lines = []
    outcome = search(settings(tmp), log=lines.append)
    return tmp, outcome, lines


def trial_count(db):
    with sqlite3.connect(db) as con:
        return con.execute(  # the search's own study; the same file holds its tasks study too
            "select count(*) from trials join studies using (study_id) where study_name = 'hwnas-search' and state = 'COMPLETE'"
        ).fetchone()[0]


def test_search_writes_every_output_and_the_best_fits(first_run):
    tmp, outcome, lines = first_run
    run = tmp / "run"
    for name in ("study.db", "pareto.json", "report.html", "summary.json", "best/arch.yaml", "best/model.pt",
                 "best/model.qonnx.onnx", "best/dataflow.onnx", "best/folding_config.json", "best/estimates.json"):
        assert (run / name).is_file(), name
    best = outcome.best
    assert best.fits and best.fps >= 20_000 and best.lut <= 0.7 * 53_200
    # the lowering applied the folding decided when the best was judged, as it was
    decided = json.loads((run / "summary.json").read_text())["best"]["folding"]
    applied = json.loads((run / "best" / "folding_config.json").read_text())
    assert decided and {n: (c.get("PE"), c.get("SIMD")) for n, c in decided.items() if n != "Defaults"} == {
        n: (applied[n].get("PE"), applied[n].get("SIMD")) for n in decided if n != "Defaults"}
    estimates = json.loads((run / "best" / "estimates.json").read_text())
    assert estimates["fits"] and estimates["fps"] >= 20_000
    assert best.test_accuracy > 0.5  # 4 synthetic classes: chance is 0.25
    assert outcome.agreement == 1.0  # FINN's execution of the lowered graph = the trained model
    pareto = json.loads((run / "pareto.json").read_text())
    assert pareto and all(p["fps"] >= 20_000 for p in pareto)
    assert yaml.safe_load((run / "best" / "arch.yaml").read_text())["layers"] == best.arch.to_dict()["layers"]
    assert [r.arch.name for r in outcome.references] == ["tfc-w1a1", "sfc-w1a1", "lfc-w1a1"]
    summary = json.loads((run / "summary.json").read_text())
    for pair in summary["matched_luts"]:  # within each fitting reference's LUTs, a trained searched network
        assert pair["reference"]["fits"] and pair["searched"]["lut"] <= pair["reference"]["lut"]
        assert 0 < pair["searched"]["test_accuracy"] <= 1
    assert len(summary["matched_luts"]) == len(outcome.matched) >= 1
    logged = (run / "search.log").read_text()
    for line in ("supernet epoch 2/2: loss", f"trials {TINY.trials}/{TINY.trials} done", "train accuracy", "report:"):
        assert line in logged, line
    assert "\r" not in logged
    assert (run / "candidates" / f"{best.arch.name.split('-')[1]}" / "train.log").is_file()
    html = (run / "report.html").read_text()
    assert "<svg" in html and "tfc-w1a1" in html and best.arch.name in html


@needs_chromium
def test_report_shows_every_trial_the_chosen_network_and_best_files_in_chromium(first_run):
    tmp, outcome, _ = first_run
    run = tmp / "run"
    png = tmp / "search-report-synthetic.png"
    assert open_page(run / "report.html", png) == []
    assert colour_pixels(png, hex_rgb(SEARCH_COLOR)) > 100  # trial marks (hollow) and the front
    assert colour_pixels(png, hex_rgb(CHOSEN_COLOR)) > 50  # the chosen network's stars
    assert colour_pixels(png, hex_rgb(REFERENCE_COLOR)) > 50  # FINN's references
    html = (run / "report.html").read_text()
    trials = outcome.trials
    assert len(trials) == TINY.trials
    drawn = sum(1 for t in trials if t["feasible"] or t["lut"] > 0)
    assert html.count("<title>trial ") == drawn + 1  # and the chosen network once more, as a star
    assert html.count(": rejected, ") == sum(1 for t in trials if not t["feasible"] and t["lut"] > 0)
    for name in ("arch.yaml", "model.pt", "dataflow.onnx", "estimates.json", "verification.json", "lower.log"):
        assert f'href="best/{name}"' in html
    assert "agrees on" in html and "MVAU_hls_0" in html


def test_rerun_resumes_without_new_trials_and_reuses_the_supernet(first_run):
    tmp, _, _ = first_run
    db = tmp / "run" / "study.db"
    before = trial_count(db)
    assert before == TINY.trials
    lines = []
    search(settings(tmp), log=lines.append)
    assert trial_count(db) == before
    assert any("reusing the trained supernet" in line for line in lines)


def test_second_search_for_another_board_reuses_the_supernet(first_run):
    tmp, _, _ = first_run
    lines = []
    outcome = search(settings(tmp, board=load_board("zcu104"), fps=50_000, out_dir=tmp / "zcu"), log=lines.append)
    assert any("reusing the trained supernet" in line for line in lines)
    assert not any("training the supernet" in line for line in lines)
    assert outcome.best.fps >= 50_000


def test_other_settings_in_the_same_folder_are_refused(first_run):
    tmp, _, _ = first_run
    with pytest.raises(UserError, match="other settings.*fps"):
        search(settings(tmp, fps=1_000))


def test_other_cost_estimates_in_the_same_folder_are_refused(first_run):
    """Same settings, but the board file's figures changed (as the estimates do after an hwnas
    upgrade changes the cost model): resuming would mix trials judged two ways."""
    tmp, _, _ = first_run
    board = yaml.safe_load(open(load_board("pynq-z2").source))
    board["resources"]["lut"] = int(board["resources"]["lut"] * 0.9)  # same name, other figures
    path = tmp / "edited-pynq-z2.yaml"
    path.write_text(yaml.safe_dump(board))
    before = trial_count(tmp / "run" / "study.db")
    with pytest.raises(UserError, match="judged by other cost estimates"):
        search(settings(tmp, board=load_board(str(path))))
    assert trial_count(tmp / "run" / "study.db") == before


def test_unreachable_fps_ends_early_with_the_reachable_rate(tmp_path):
    with pytest.raises(UserError, match=r"no architecture in the space reaches 1,000,000,000 fps on pynq-z2.*at most [\d,]+ fps"):
        search(settings(tmp_path, fps=1e9))
    assert not (tmp_path / "cache" / "supernets").exists()  # nothing was trained


def test_too_small_board_says_so(tmp_path):
    board = yaml.safe_load(open(load_board("pynq-z2").source))
    board["resources"].update(lut=200, bram18=0)
    path = tmp_path / "tiny-board.yaml"
    path.write_text(yaml.safe_dump(board))
    with pytest.raises(UserError, match="too small for the smallest architecture"):
        search(settings(tmp_path, board=load_board(str(path))))


def test_cli_reports_unreachable_fps_in_one_line(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "hwnas.cli", "search", "--board", "pynq-z2", "--fps", "1e9", "--dataset", "synthetic",
         "--space", "mlp", "--out", str(tmp_path / "o"), "--cache-dir", str(tmp_path / "c")],
        capture_output=True, text=True,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "reaches at most" in proc.stderr


def test_a_folder_of_an_older_hwnas_is_checked_against_its_search_json(tmp_path):
    """Before the settings moved into the study, search.json held them: such a folder is still refused
    under other settings."""
    import optuna

    from hwnas.search.study import STUDY_NAME

    run = tmp_path / "run"
    run.mkdir()
    optuna.create_study(study_name=STUDY_NAME, storage=f"sqlite:///{run / 'study.db'}", directions=["maximize", "minimize"])
    identity = settings(tmp_path).identity()
    (run / "search.json").write_text(json.dumps({**identity, "fps": 1_000, "judging": "0"}))
    with pytest.raises(UserError, match="other settings.*fps: 1000 there, 20000 now"):
        search(settings(tmp_path))
