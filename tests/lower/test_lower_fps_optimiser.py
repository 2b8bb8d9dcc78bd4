"""``lower --fps`` folds with hwnas's cost-model optimiser, and refuses targets the board cannot reach."""

import json

import pytest

from hwnas.arch.spec import load_arch
from hwnas.board import load_board
from hwnas.cost import finn_folding_config
from hwnas.errors import UserError
from hwnas.lower import lower

from conftest import REPO

TFC = REPO / "examples" / "archs" / "tfc-w1a1.yaml"


@pytest.mark.slow
def test_fps_target_uses_the_optimisers_folding(tmp_path):
    arch, board = load_arch(TFC), load_board("zcu104")
    result = lower(arch, board, out_dir=tmp_path / "out", fps=300_000)
    written = json.loads(result.folding_path.read_text())
    for name, attrs in finn_folding_config(arch, board, fps=300_000).items():
        for attr, value in attrs.items():
            assert written[name][attr] == value, (name, attr)
    assert result.estimates.fps >= 300_000


@pytest.mark.slow
def test_unreachable_fps_is_a_user_error_with_the_reachable_rate(tmp_path):
    with pytest.raises(UserError, match="highest frame rate it reaches there is"):
        lower(load_arch(TFC), load_board("pynq-z2"), out_dir=tmp_path / "out", fps=5_000_000)
