"""The package's layering (pyproject.toml [tool.importlinter]): every hwnas module imports only from
the layers below its own, function-level imports included, apart from the upward imports listed in
ignore_imports. import-linter (lint-imports) checks the real package; a copy of the package with one
deliberate upward import shows the check can fail.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """lint-imports on the package under ``root`` with ``root``'s pyproject.toml, text without colour."""
    env = dict(os.environ, PYTHONPATH=str(root), NO_COLOR="1", TERM="dumb")
    done = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )
    done.stdout = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout)
    return done


def test_the_package_imports_only_downward():
    done = lint_imports(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(REPO / "hwnas", tmp_path / "hwnas", ignore=shutil.ignore_patterns("_data", "__pycache__"))
    folding = tmp_path / "hwnas" / "cost" / "folding.py"
    # the cost model reaching up into the code generator, as cost once reached into lower and sim
    folding.write_text(folding.read_text() + "\n\ndef _upward():\n    from hwnas.codegen import plan\n    return plan\n")
    done = lint_imports(tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "hwnas.cost is not allowed to import hwnas.codegen" in done.stdout
    assert "hwnas.cost.folding -> hwnas.codegen.plan" in done.stdout


def test_a_step_importing_the_search_run_breaks_the_contract(tmp_path):
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(REPO / "hwnas", tmp_path / "hwnas", ignore=shutil.ignore_patterns("_data", "__pycache__"))
    final = tmp_path / "hwnas" / "search" / "final.py"
    # final.py as it was: reaching back into run.py for the settings' type
    final.write_text(final.read_text().replace("from hwnas.search.settings import SearchSettings",
                                               "from hwnas.search.run import SearchSettings"))
    done = lint_imports(tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "hwnas.search.final is not allowed to import hwnas.search.run" in done.stdout
