import json
import subprocess
import sys
from html.parser import HTMLParser

from hwnas.cli import main


def test_estimate_writes_reports(repo, tmp_path, capsys):
    out = tmp_path / "est"
    code = main(["estimate", str(repo / "examples/archs/cnv-w1a1.yaml"), "--board", "pynq-z2", "--fps", "2000", "--out", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "MVAU_hls_1" in text and "bottleneck" in text and "roofline" in text
    data = json.loads((out / "estimates.json").read_text())
    assert data["fps"] >= 2000 and data["fits"] is True
    assert len(data["nodes"]) == 20
    config = json.loads((out / "folding_config.json").read_text())
    assert config["MVAU_hls_0"]["PE"] == data["nodes"][1]["pe"]
    html = (out / "report.html").read_text()
    assert "<svg" in html and "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    HTMLParser().feed(html)
    assert "| MVAU_hls_0 |" in (out / "report.md").read_text()


def test_estimate_with_given_folding_matches(repo, tmp_path, capsys):
    out = tmp_path / "a"
    main(["estimate", str(repo / "examples/archs/tfc-w1a1.yaml"), "--board", "zcu104", "--fps", "50000", "--out", str(out), "--json"])
    first = json.loads(capsys.readouterr().out.split("\nwrote")[0])
    main(["estimate", str(repo / "examples/archs/tfc-w1a1.yaml"), "--board", "zcu104", "--folding", str(out / "folding_config.json"), "--json"])
    second = json.loads(capsys.readouterr().out)
    assert first["nodes"] == second["nodes"]


def test_infeasible_request_exits_non_zero_with_one_clear_message(repo):
    run = subprocess.run(
        [sys.executable, "-m", "hwnas.cli", "estimate", str(repo / "examples/archs/cnv-w1a1.yaml"), "--board", "pynq-z2", "--fps", "1000000"],
        capture_output=True, text=True, cwd=repo,
    )
    assert run.returncode != 0
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert "highest frame rate it reaches there is" in run.stderr and "LUT runs out first" in run.stderr


def test_cost_path_imports_no_torch_onnx_or_finn(repo):
    code = (
        "import sys; from hwnas.cost import estimate, optimise_folding; from hwnas.commands import estimate as e; "
        "from hwnas.report import estimate_report; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('torch', 'onnx', 'finn', 'qonnx', 'brevitas')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repo)
    assert run.returncode == 0, run.stdout + run.stderr
