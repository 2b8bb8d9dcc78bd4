"""The wheel alone, in a fresh venv with only its declared dependencies: boards, examples and estimate
work (the cost model, FIFOs included, is pure Python), and the commands that need torch/FINN say what
to install.

The dependencies come from the wheelhouse `make install wheelhouse` fills from PyPI (installed with
pip --no-index, so the test downloads nothing)."""

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fresh_hwnas(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "src"  # the checkout's files as git sees them, so no build output leaks in
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, capture_output=True,
                            text=True, check=True).stdout.split()
    with tarfile.open(tmp / "src.tar", "w") as tar:
        for name in listed:
            tar.add(REPO / name, arcname=name, recursive=False)
    with tarfile.open(tmp / "src.tar") as tar:
        tar.extractall(source, filter="tar")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp / "dist"),
                    str(source)], check=True, capture_output=True)
    wheel = next((tmp / "dist").glob("hwnas-*.whl"))
    subprocess.run([sys.executable, "-m", "venv", str(tmp / "venv")], check=True)
    wheelhouse = Path(sys.prefix) / "wheelhouse"
    if not (wheelhouse / ".complete").exists():
        pytest.fail(f"{wheelhouse} is missing: run `make wheelhouse` (make test does)")
    subprocess.run([str(tmp / "venv" / "bin" / "pip"), "install", "-q", "--no-index", "--find-links", str(wheelhouse),
                    str(wheel)], check=True, capture_output=True)
    return tmp, tmp / "venv" / "bin" / "hwnas"


def hwnas(executable, *args, cwd):
    return subprocess.run([str(executable), *args], capture_output=True, text=True, cwd=cwd)


def test_the_wheel_installs_only_its_declared_dependencies(fresh_hwnas):
    tmp, _ = fresh_hwnas
    listed = subprocess.run([str(tmp / "venv" / "bin" / "pip"), "list", "--format=freeze"], capture_output=True, text=True,
                            check=True).stdout.lower()
    assert "hwnas==" in listed and "optuna==" in listed
    assert "torch==" not in listed and "brevitas==" not in listed


def test_boards_and_examples_work(fresh_hwnas):
    tmp, executable = fresh_hwnas
    result = hwnas(executable, "boards", cwd=tmp)
    assert result.returncode == 0 and "pynq-z2" in result.stdout, result.stderr
    result = hwnas(executable, "examples", "--copy", "examples", cwd=tmp)
    assert result.returncode == 0, result.stderr
    copied = sorted(p.name for p in (tmp / "examples" / "archs").iterdir())
    assert copied == sorted(p.name for p in (REPO / "examples" / "archs").iterdir())
    assert {"cnv-w1a1.yaml", "tfc-w1a1.yaml", "res-fmnist.yaml", "cell-bnas.yaml"} <= set(copied)


@pytest.mark.parametrize("command", [
    ["search", "--board", "pynq-z2", "--fps", "1000"],
    ["train", "examples/archs/tfc-w1a1.yaml", "--out", "trained"],
])
def test_commands_needing_torch_say_what_to_install_in_one_line(fresh_hwnas, command):
    tmp, executable = fresh_hwnas
    hwnas(executable, "examples", "--copy", "examples", cwd=tmp)
    result = hwnas(executable, *command, cwd=tmp)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert "torch is not installed" in result.stderr and "make install" in result.stderr
    assert "requirements.txt" in result.stderr


@pytest.mark.parametrize("spec", ["cnv-w1a1", "res-fmnist"])
def test_estimate_works_from_the_wheel_alone(fresh_hwnas, spec):
    """FIFOs (every stream that must hold more than two words, chains included) are costed with
    hwnas's own copy of finn-plus's StreamingFIFO formulas (hwnas/cost/fifos.py; a canary in
    tests/cost/test_cost_fifo_model.py compares them): estimate needs no FINN."""
    tmp, executable = fresh_hwnas
    hwnas(executable, "examples", "--copy", "examples", cwd=tmp)
    result = hwnas(executable, "estimate", f"examples/archs/{spec}.yaml", "--board", "pynq-z2", "--fps", "1000",
                   "--json", cwd=tmp)
    assert result.returncode == 0, result.stderr
    import json

    estimate = json.loads(result.stdout)
    assert estimate["fps"] >= 1000 and estimate["totals"]["lut"] > 0
