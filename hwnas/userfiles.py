"""Reading the files a user hands hwnas (specs, boards, folding configs), with one kind of error."""

from __future__ import annotations

import json
from pathlib import Path

from hwnas.errors import UserError


def _read_text(path: Path, what: str) -> str:
    if not path.is_file():
        raise UserError(f"{what} not found: {path}")
    try:
        return path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{what} {path} cannot be read: {exc}") from None


def read_yaml(path: str | Path, *, what: str) -> object:
    """The parsed YAML of ``path``; a missing file or bad YAML is a UserError naming ``what``."""
    import yaml

    path = Path(path)
    text = _read_text(path, what)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise UserError(f"{what} {path} is not valid YAML: {str(exc).splitlines()[0]}") from None


def read_json(path: str | Path, *, what: str) -> object:
    """The parsed JSON of ``path``; a missing file or bad JSON is a UserError naming ``what``."""
    path = Path(path)
    text = _read_text(path, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{what} {path} is not valid JSON: {exc}") from None
