import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_ARCHS = sorted((REPO / "examples" / "archs").glob("*.yaml"))


@pytest.fixture
def repo() -> Path:
    return REPO


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real ``hwnas`` command line in a fresh interpreter, importing this checkout's hwnas."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "hwnas.cli", *args], capture_output=True, text=True, env=env, cwd=cwd or REPO
    )


@pytest.fixture(scope="session")
def cnv_cli_run(tmp_path_factory):
    """``hwnas lower`` of CNV-w1a1 with the finn-examples folding, run once for every test that needs it."""
    out = tmp_path_factory.mktemp("cnv") / "run"
    result = run_cli(
        "lower", "examples/archs/cnv-w1a1.yaml", "--board", "pynq-z2",
        "--folding", "examples/folding/cnv-w1a1.json", "--out", str(out),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out, result
