import os
import subprocess
import sys
from pathlib import Path

import pytest

from hwnas.codegen.project import FASHION_MNIST_TEST_IMAGES

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_ARCHS = sorted((REPO / "examples" / "archs").glob("*.yaml"))
# FINN's reference networks: straight chains
CHAIN_ARCHS = [p for p in EXAMPLE_ARCHS if p.stem.endswith("-w1a1")]
FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
needs_fashion_mnist = pytest.mark.skipif(
    not (FASHION_MNIST / FASHION_MNIST_TEST_IMAGES).is_file(),
    reason="Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)",
)
# the target of the trained TFC's lowering with hwnas's folding optimiser
TFC_FPS = 20_000


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


@pytest.fixture(scope="session")
def trained_tfc(tmp_path_factory):
    """``(arch, model, checkpoint)``: TFC trained briefly on Fashion-MNIST, shared by the tests that lower it."""
    from hwnas.model import save_checkpoint
    from tests.codegen.lowered import train_tfc

    arch, model = train_tfc(FASHION_MNIST)
    return arch, model, save_checkpoint(model, arch, tmp_path_factory.mktemp("tfc") / "trained.pt")


@pytest.fixture(scope="session")
def trained_tfc_at_fps(trained_tfc, tmp_path_factory):
    """``hwnas.lower`` of the trained TFC for ``TFC_FPS``: the folding hwnas's optimiser picks."""
    from tests.codegen.lowered import lower_at

    arch, _, checkpoint = trained_tfc
    return lower_at(arch, tmp_path_factory.mktemp("tfc-fps") / "run", fps=TFC_FPS, checkpoint=checkpoint)


@pytest.fixture(scope="session")
def hls_runner(tmp_path_factory):
    """The HLS kernel harnesses (tests/codegen/csim_harness), each configuration compiled once a
    session: the kernel tests and the cross-backend vector test share the binaries."""
    from tests.codegen.hls_harness import HarnessRunner

    return HarnessRunner(tmp_path_factory.mktemp("kernels"))


def pytest_terminal_summary(terminalreporter):
    """Where the report screenshots of this run are, for a person to look at."""
    from tests.report.chromium import TAKEN

    if TAKEN:
        terminalreporter.write_sep("-", "report screenshots")
        for path in TAKEN:
            terminalreporter.write_line(str(path))
