"""Progress when output is not a terminal (a log file, CI, `make demo > log`): plain lines, no
carriage-return bars; the lines also land, timestamped, in the run folder's log file."""

import numpy as np

from hwnas.arch.spec import FlatInput
from hwnas.board import load_board
from hwnas.data.synthetic import make_synthetic
from hwnas.logs import logging_to_file
from hwnas.search.space import MlpSpace, SearchSpace
from hwnas.search.study import open_study, run_study

SPACE = SearchSpace(FlatInput(144, 8), 4, MlpSpace(widths=(16, 32, 64)))


def test_study_logs_plain_lines_and_draws_no_bar_off_a_terminal(tmp_path, capfd):
    lines = []
    study = open_study(f"sqlite:///{tmp_path / 'study.db'}", seed=0, population=4)
    run_study(study, SPACE, board=load_board("pynq-z2"), fps=20_000, accuracy_of=lambda point: 0.5, trials=8,
              log=lines.append, log_every=4)
    captured = capfd.readouterr()
    assert "\r" not in captured.err + captured.out
    assert [line.split(":")[0] for line in lines] == ["trials 4/8 done", "trials 8/8 done"]
    assert "best supernet accuracy 50.00%" in lines[-1]


def test_supernet_logs_each_epoch_and_draws_no_bar_off_a_terminal(tmp_path, capfd):
    from hwnas.search.supernet import SuperNet, train_supernet

    data = make_synthetic((1, 12, 12), 4, seed=3)
    images = data.train.images[:256].astype(np.float32).reshape(256, 144)
    lines = []
    train_supernet(SuperNet(SPACE), images, data.train.labels[:256], epochs=2, progress=True, log=lines.append)
    captured = capfd.readouterr()
    assert "\r" not in captured.err + captured.out
    assert [line.split(":")[0] for line in lines] == ["supernet epoch 1/2", "supernet epoch 2/2"]
    assert all(" loss " in line and line.endswith(" s") for line in lines)


def test_log_file_gets_every_line_with_its_time(tmp_path):
    shown = []
    log = logging_to_file(shown.append, tmp_path / "run.log")
    log("first")
    log("second")
    assert shown == ["first", "second"]
    written = (tmp_path / "run.log").read_text().splitlines()
    assert [line.split("  ", 1)[1] for line in written] == ["first", "second"]
    assert all(line[:4].isdigit() and line[10] == " " for line in written)
