"""The one place that points FINN's environment at a run's own folder.

FINN reads ``FINN_BUILD_DIR`` (where it makes temporary build folders) and ``FINN_SETTINGS`` (else it
writes ``~/.finn/settings.yaml``) from the process environment, deep inside the library. hwnas sets
both here, to folders inside the run's output, before any FINN transformation runs.
"""

from __future__ import annotations

import os
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
