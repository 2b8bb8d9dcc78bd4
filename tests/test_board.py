import subprocess
import sys

import pytest
import yaml

from hwnas.board import known_boards, load_board
from hwnas.errors import UserError


def test_four_boards_ship_with_facts_figures():
    assert known_boards() == ["kv260", "pynq-z2", "ultra96-v2", "zcu104"]
    pynq = load_board("pynq-z2")
    assert pynq.part == "xc7z020clg400-1"
    assert (pynq.resources.lut, pynq.resources.bram18, pynq.resources.uram) == (53200, 280, 0)
    assert pynq.clock_mhz == 100 and pynq.family == "zynq-7000" and pynq.axi_data_width == 64
    assert pynq.budget("lut") == pytest.approx(53200 * 0.7)
    zcu = load_board("zcu104")
    assert zcu.clock_mhz == 200 and zcu.resources.uram == 96 and zcu.family == "zynq-ultrascale+"


def test_clock_override_and_path(tmp_path):
    assert load_board("kv260", clock_mhz=150).clock_mhz == 150
    raw = yaml.safe_load(open(load_board("pynq-z2").source))
    raw["name"] = "my-board"
    path = tmp_path / "my-board.yaml"
    path.write_text(yaml.safe_dump(raw))
    assert load_board(str(path)).name == "my-board"


def test_unknown_board_lists_known_ones():
    with pytest.raises(UserError, match="unknown board 'pynq-z9'.*pynq-z2.*zcu104"):
        load_board("pynq-z9")


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda r: r.pop("part"), "missing field.*part"),
        (lambda r: r["resources"].update(lut=-5), "resources.lut must be a non-negative integer"),
        (lambda r: r.update(family="virtex"), "family must be one of"),
        (lambda r: r.update(utilisation_limits={"lut": 1.5}), r"utilisation_limits.lut must be in \(0, 1\]"),
        (lambda r: r.update(colour="red"), "unknown field.*colour"),
    ],
)
def test_malformed_board_files_are_rejected(tmp_path, mutate, message):
    raw = yaml.safe_load(open(load_board("pynq-z2").source))
    mutate(raw)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(UserError, match=message):
        load_board(str(path))


def test_broken_yaml_is_a_user_error(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: [unclosed\n")
    with pytest.raises(UserError, match="not valid YAML"):
        load_board(str(path))


def test_cli_lists_boards():
    out = subprocess.run([sys.executable, "-m", "hwnas.cli", "boards"], capture_output=True, text=True, check=True).stdout
    for name in known_boards():
        assert name in out
    assert "53,200" in out and "xczu7ev-ffvc1156-2-e" in out
