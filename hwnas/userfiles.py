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
        raise UserError(f"{what} {_yaml_problem(path, exc)}") from None


def _yaml_problem(path: Path, exc) -> str:
    """``FILE:LINE:COLUMN: problem (context at LINE:COLUMN)``, 1-based as editors count."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is None:
        return f"{path} is not valid YAML: {problem}"
    where = f"{path}:{mark.line + 1}:{mark.column + 1}"
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and context_mark is not None:
        problem += f" ({context} started at line {context_mark.line + 1}, column {context_mark.column + 1})"
    return f"{where}: not valid YAML: {problem}"


def write_files(folder: str | Path, files: dict[str, str], *, what: str = "output folder") -> Path:
    """Write ``{name: text}`` into ``folder`` (created when missing); an unwritable folder is a UserError."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (folder / name).write_text(text)
    except OSError as exc:
        raise UserError(f"cannot write to {what} {folder}: {exc.strerror or exc}") from None
    return folder


def read_json(path: str | Path, *, what: str) -> object:
    """The parsed JSON of ``path``; a missing file or bad JSON is a UserError naming ``what``."""
    path = Path(path)
    text = _read_text(path, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{what} {path} is not valid JSON: {exc}") from None
