"""The one place that finds hwnas's data: ``boards/``, ``hls_templates/``, ``rtl_templates/``, ``flows/``, ``examples/`` and
the pinned ``requirements.txt``.

They live at the top of the repository and reach the package through the symlinks in
``hwnas/_data``, so a source checkout, an editable install and a wheel all see the same files.
"""

from functools import lru_cache
from pathlib import Path

_DATA_ROOT = Path(__file__).resolve().parent / "_data"
_KINDS = ("boards", "hls_templates", "rtl_templates", "flows", "examples")


def data_dir(kind: str) -> Path:
    """Return the folder of one kind of packaged data (one of ``_KINDS``)."""
    if kind not in _KINDS:
        raise ValueError(f"unknown data kind {kind!r}; expected one of {_KINDS}")
    path = _DATA_ROOT / kind
    if not path.is_dir():
        raise FileNotFoundError(f"hwnas data folder missing: {path} (broken install?)")
    return path


def requirements_file() -> Path:
    """The pinned stack (torch, Brevitas, FINN...) that training, lowering and building need."""
    return _DATA_ROOT / "requirements.txt"


@lru_cache(maxsize=None)
def code_templates(folder: Path):
    """The Jinja2 environment every generator renders its files with (StrictUndefined, no HTML
    escaping, block tags leave no blank lines), loading from ``folder``."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
