"""``hwnas lower`` through the real command line."""

import json
import re

import pytest

from conftest import run_cli

CNV = "examples/archs/cnv-w1a1.yaml"
TFC = "examples/archs/tfc-w1a1.yaml"


def assert_one_line_error(result, *fragments):
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    # progress lines may come first; the error is one line, the last, and there is no traceback
    errors = [line for line in lines if line.startswith("hwnas: error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]


@pytest.mark.slow
def test_cnv_with_finn_examples_folding_reports_its_bottleneck(cnv_cli_run):
    out, result = cnv_cli_run
    # finn-examples' CNV-w1a1 folding: the bottleneck MVAUs need 32,768 cycles per frame
    assert re.search(r"bottleneck: MVAU_hls_\d+ at 32,768 cycles per frame -> 3,052 fps at 100 MHz", result.stdout)
    estimates = json.loads((out / "finn_estimates.json").read_text())
    assert estimates["bottleneck"]["cycles_per_frame"] == 32768
    assert estimates["bottleneck"]["cycles_per_frame"] == max(n["cycles"] for n in estimates["nodes"])
    assert estimates["fps"] == pytest.approx(100e6 / 32768)
    for kind in ("lut", "bram18", "uram", "dsp"):
        assert estimates["total"][kind] == pytest.approx(sum(n[kind] for n in estimates["nodes"]))
    # every file the command promises, and the folding it applied reads back as FINN's format
    for name in ("model.qonnx.onnx", "dataflow.onnx", "folding_config.json", "finn_estimates.json"):
        assert (out / name).is_file(), name
    applied = json.loads((out / "folding_config.json").read_text())
    wanted = json.loads(open("examples/folding/cnv-w1a1.json").read())
    for node, attrs in wanted.items():
        for attr, value in attrs.items():
            assert applied[node][attr] == value, (node, attr)
    # the per-layer table lists every node of the graph, with FINN's cycles
    for node in estimates["nodes"]:
        assert re.search(rf"^{node['name']}\s.*\s{node['cycles']:,}\s", result.stdout, re.M), node["name"]
    # FINN built inside the run's folder, and the progress display named each step
    assert (out / "finn").is_dir()
    assert "streamline" in result.stderr and "minimize_bit_width" in result.stderr


def test_unknown_board(tmp_path):
    assert_one_line_error(run_cli("lower", TFC, "--board", "no-such-board", "--fps", "1000", "--out", str(tmp_path)),
                          "unknown board 'no-such-board'")


def test_malformed_board_yaml(tmp_path):
    board = tmp_path / "bad.yaml"
    board.write_text("name: [unclosed\n")
    assert_one_line_error(run_cli("lower", TFC, "--board", str(board), "--fps", "1000", "--out", str(tmp_path / "o")),
                          "bad.yaml:2:1: not valid YAML")


def test_malformed_spec(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("input: {features: 16, bits: 1}\nclasses: 4\nlayers:\n  - {linear: {out: 5}}\n")
    assert_one_line_error(run_cli("lower", str(spec), "--board", "pynq-z2", "--fps", "1000", "--out", str(tmp_path / "o")),
                          "gives 5 outputs but classes is 4")


def test_unwritable_output_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")  # a file where a folder is needed: unwritable even for root
    assert_one_line_error(run_cli("lower", TFC, "--board", "pynq-z2", "--fps", "1000", "--out", str(blocker / "out")),
                          "cannot write to output folder")


@pytest.mark.slow
def test_folding_file_that_does_not_match_the_graph(tmp_path):
    result = run_cli("lower", TFC, "--board", "pynq-z2", "--folding", "examples/folding/cnv-w1a1.json", "--out", str(tmp_path))
    assert_one_line_error(result, "does not match the graph", "ConvolutionInputGenerator_rtl_0")
