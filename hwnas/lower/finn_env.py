"""The one place that sets FINN's environment: the run's own folder, and execution settings.

FINN reads ``FINN_BUILD_DIR`` (where it makes temporary build folders) and ``FINN_SETTINGS`` (else it
writes ``~/.finn/settings.yaml``) from the process environment, deep inside the library. hwnas sets
both here, to folders inside the run's output, before any FINN transformation runs.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


def point_finn_at(run_dir: Path) -> Path:
    """Make FINN build and keep its settings inside ``run_dir/finn``; return that folder."""
    finn_dir = (run_dir / "finn").resolve()
    finn_dir.mkdir(parents=True, exist_ok=True)
    os.environ["FINN_BUILD_DIR"] = str(finn_dir)
    os.environ["FINN_SETTINGS"] = str(finn_dir / "settings.yaml")
    # FINN caches its settings object on first use; drop the cache so a second run in the same
    # process (tests, a search loop) builds into its own folder, not the first run's.
    import finn.util.settings

    finn.util.settings._SETTINGS = None
    return finn_dir


@contextlib.contextmanager
def without_sanitizing() -> Iterator[None]:
    """Run qonnx/FINN execution without ``sanitize_quant_values`` (``SANITIZE_QUANT_TENSORS=0``).

    Sanitizing rounds every integer-annotated tensor, weights included, before and after each node,
    with Python's builtin ``max`` over the flattened array: ~90% of the time of executing a folded
    BNN. The values here are integers carried exactly in float32 (binary weights, integer inputs,
    integer thresholds), so rounding changes nothing; it could only hide a value that is not an
    integer, which the equivalence tests should see instead.
    """
    saved = os.environ.get("SANITIZE_QUANT_TENSORS")
    os.environ["SANITIZE_QUANT_TENSORS"] = "0"
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SANITIZE_QUANT_TENSORS"]
        else:
            os.environ["SANITIZE_QUANT_TENSORS"] = saved
