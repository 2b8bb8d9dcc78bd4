"""A plan of generated files: relative path -> text. Generating returns one; writing is separate."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Plan:
    files: dict[str, str] = field(default_factory=dict)

    def paths(self) -> list[str]:
        return sorted(self.files)


def write_plan(plan: Plan, out_dir: Path) -> list[Path]:
    """Write every file of the plan under out_dir (created if needed); returns the written paths."""
    written = []
    for rel, text in sorted(plan.files.items()):
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(path)
    return written
