from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_ARCHS = sorted((REPO / "examples" / "archs").glob("*.yaml"))


@pytest.fixture
def repo() -> Path:
    return REPO
