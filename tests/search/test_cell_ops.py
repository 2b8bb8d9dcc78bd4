"""``--cell-ops``: the cell space's op set, for both strategies, part of a run's identity."""

import numpy as np
import pytest

from hwnas.board import load_board
from hwnas.cli import main
from hwnas.errors import UserError
from hwnas.search.budget import get_budget
from hwnas.search.cells import parse_cell_ops
from hwnas.search.settings import SearchSettings, choose_space
from hwnas.search.space import RandomChoices
from hwnas.search.study import check_study_identity, open_study


def test_cell_ops_are_validated_and_ordered_as_the_space_orders_them():
    assert parse_cell_ops("conv3,skip,dilconv3") == ("skip", "dilconv3", "conv3")
    with pytest.raises(UserError, match="unknown op 'pool3'"):
        parse_cell_ops("skip,pool3")
    with pytest.raises(UserError, match="besides zeroise"):
        parse_cell_ops("zeroise")


@pytest.mark.parametrize("argv, message", [
    (["--cell-ops", "skip,maxpool"], "--cell-ops: unknown op 'maxpool'"),
    (["--cell-ops", "skip,conv3"], "this search's space is mlp"),  # auto on grey images is the MLP space
])
def test_a_bad_cell_ops_is_one_line_and_exit_2(tmp_path, capsys, argv, message):
    code = main(["search", "--board", "pynq-z2", "--fps", "1000", "--dataset", "synthetic", "--out", str(tmp_path / "r"),
                 "--cache-dir", str(tmp_path / "cache"), *argv])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and message in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()  # refused before anything is made


def test_the_cell_space_samples_only_the_given_ops():
    space = choose_space((1, 28, 28), 10, "cell", budget=get_budget("quick"), cell_ops=("skip", "dilconv3", "conv3"))
    rng = np.random.default_rng(0)
    ops = {v for _ in range(50) for k, v in space.sample(RandomChoices(rng)).items() if k.endswith("_op")}
    assert ops == {"skip", "dilconv3", "conv3"}
    every = choose_space((1, 28, 28), 10, "cell", budget=get_budget("quick"))
    assert "zeroise" in {v for _ in range(50) for k, v in every.sample(RandomChoices(rng)).items() if k.endswith("_op")}


def test_another_op_set_does_not_resume_the_study(tmp_path):
    """The evolution's study records the run's settings (the differentiable state compares the same
    identity); a study made without --cell-ops refuses a search with it. The other way round the
    judging fingerprint (the cost model's verdicts on a sample of the space) differs as well."""
    board, quick = load_board("pynq-z2"), get_budget("quick")
    identity = lambda ops: SearchSettings(dataset="synthetic", board=board, fps=1000, budget=quick, out_dir=tmp_path,
                                          cache_dir=tmp_path, space="cell", cell_ops=ops).identity()
    study = open_study(f"sqlite:///{tmp_path / 'study.db'}", seed=0, population=4)
    check_study_identity(study, identity(None), where="here")
    check_study_identity(study, identity(None), where="here")  # the same settings resume
    with pytest.raises(UserError, match="here holds a search with other settings .*cell_ops"):
        check_study_identity(study, identity(("skip", "dilconv3", "conv3")), where="here")
