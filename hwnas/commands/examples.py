"""``hwnas examples``: the example specs and foldings that ship with hwnas, listed or copied out."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "examples",
        help="list the example specs and foldings that ship with hwnas, or copy them out",
        description="List the example architecture specs (FINN's reference networks TFC, SFC, LFC and CNV) "
        "and folding configs that ship inside the package. --copy DIR copies them into DIR to edit or pass "
        "to the other commands.",
    )
    parser.add_argument("--copy", type=Path, metavar="DIR", help="copy the examples into DIR (created if missing)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import shutil

    from hwnas.errors import UserError
    from hwnas.report.table import format_table
    from hwnas.resources import data_dir

    root = data_dir("examples")
    files = sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())
    if args.copy is None:
        print(format_table(["folder", "example", "path"], [[str(f.parent), f.stem, str(root / f)] for f in files]))
        return 0
    try:
        for name in files:
            (args.copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / name, args.copy / name)
    except OSError as exc:
        raise UserError(f"cannot copy the examples into {args.copy}: {exc.strerror or exc}") from None
    print(f"copied {len(files)} examples into {args.copy}: " + ", ".join(str(f) for f in files))
    return 0
