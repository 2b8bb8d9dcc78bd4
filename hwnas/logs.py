"""Progress a person can read in a terminal and in a log: bars only on a terminal, plain lines always,
and a copy of the plain lines, timestamped, in a log file of the run folder."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

Log = Callable[[str], None]


def bars_wanted(progress: bool) -> bool:
    """Progress bars redraw one line with carriage returns: only where stderr is a terminal."""
    return progress and sys.stderr.isatty()


def logging_to_file(log: Log, path: Path) -> Log:
    """``log`` that also appends each line, with the wall-clock time, to ``path`` (its folder must exist)."""

    def both(line: str) -> None:
        log(line)
        with path.open("a") as file:
            file.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')}  {line}\n")

    return both
