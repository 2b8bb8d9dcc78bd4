"""Each user error of the command line: one line on stderr, exit 2, no traceback, nothing half-written."""

import os
import subprocess
import sys

from conftest import REPO, run_cli

TFC = str(REPO / "examples" / "archs" / "tfc-w1a1.yaml")


def assert_one_line_error(result, *fragments):
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("hwnas: error: "), result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def test_malformed_yaml_names_file_line_and_column(tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text("name: bad\ninput: {features: 64, bits: 1}\nlayers:\n  - {linear: {out: 16}\n  - {linear: {out: 4}}\n")
    result = run_cli("estimate", str(spec), "--board", "pynq-z2", "--fps", "1000")
    # the mapping opened on line 4 is still open where line 5's "-" begins
    assert_one_line_error(result, f"{spec}:5:3: not valid YAML", "flow mapping started at line 4, column 5")


def test_estimate_out_to_an_unwritable_folder(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")  # a folder inside a file cannot be made, even by root
    result = run_cli("estimate", TFC, "--board", "pynq-z2", "--fps", "1000", "--out", str(blocker / "out"))
    assert_one_line_error(result, f"cannot write to --out folder {blocker / 'out'}")


def test_json_into_a_closed_pipe_exits_quietly():
    """`hwnas estimate ... --json | head`: the reader is gone before hwnas writes."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "hwnas.cli", "estimate", TFC, "--board", "pynq-z2", "--fps", "1000", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=REPO,
    )
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait() == 0
    assert stderr == ""


def test_refused_search_writes_nothing_into_its_out(tmp_path):
    out = tmp_path / "run"
    result = run_cli("search", "--board", "pynq-z2", "--fps", "1e9", "--out", str(out), "--cache-dir", str(tmp_path / "cache"))
    assert_one_line_error(result, "no architecture in the space reaches 1,000,000,000 fps on pynq-z2")
    assert not out.exists()
    assert not (tmp_path / "cache").exists()


def test_rtl_checks_without_the_rtl_backend_say_so(tmp_path):
    result = run_cli("build", TFC, "--board", "pynq-z2", "--fps", "1000", "--out", str(tmp_path / "b"), "--rtlsim", "5")
    assert_one_line_error(result, "--rtlsim and --synth check the RTL backend's design; add --backend rtl")
    result = run_cli("build", TFC, "--board", "pynq-z2", "--fps", "1000", "--out", str(tmp_path / "b"), "--synth")
    assert_one_line_error(result, "add --backend rtl")
    result = run_cli("build", TFC, "--board", "pynq-z2", "--fps", "1000", "--out", str(tmp_path / "b"),
                     "--backend", "rtl", "--rtlsim", "5", "--csim", "3")
    assert_one_line_error(result, "give both the same N")
    result = run_cli("build", TFC, "--board", "pynq-z2", "--fps", "1000", "--out", str(tmp_path / "b"),
                     "--backend", "rtl", "--rtlsim", "-1")
    assert_one_line_error(result, "--rtlsim takes a non-negative number of images")
    assert not (tmp_path / "b").exists()
