"""Open a report in headless Chromium (Debian's ``chromium``, which ``make test`` installs): a
screenshot, the page's console messages, and a count of a colour's pixels to tell a drawn plot
from a blank one. Screenshots are kept under build/screenshots/ and listed at the end of the run."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "build" / "screenshots"
TAKEN: list[Path] = []  # printed by tests/conftest.py's pytest_terminal_summary
CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (make test installs it: apt-get install chromium)")
_CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\] (.*)")


def open_page(html: Path, png: Path, *, width: int = 1200, height: int = 2400) -> list[str]:
    """Screenshot ``html`` into ``png`` (and build/screenshots/); return the page's console messages.
    The reports carry no script, so any message (an error, a resource that failed to load) is a fault."""
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr",
         "--v=0", f"--window-size={width},{height}", f"--screenshot={png}", html.resolve().as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert png.is_file(), result.stderr[-2000:]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    kept = SCREENSHOTS / png.name
    shutil.copyfile(png, kept)
    TAKEN.append(kept)
    return [m.group(1) for m in map(_CONSOLE.search, result.stderr.splitlines()) if m]


def colour_pixels(png: Path, rgb: tuple[int, int, int], *, tolerance: int = 12) -> int:
    """How many pixels of the screenshot are within ``tolerance`` of ``rgb`` on every channel."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(png).convert("RGB")).astype(int)
    return int((np.abs(pixels - np.array(rgb)).max(axis=2) <= tolerance).sum())


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
