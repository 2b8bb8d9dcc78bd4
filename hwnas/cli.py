"""The ``hwnas`` command line. argv and environment variables are read here and nowhere else.

Each subcommand lives in ``hwnas/commands/<name>.py`` with ``register(subparsers)``; those modules
import nothing heavy at module level, so ``hwnas boards`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from hwnas import __version__
from hwnas.errors import UserError

# In pipeline order: what `hwnas --help` lists.
COMMANDS = ("boards", "estimate", "search", "train", "lower", "build")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hwnas",
        description="Hardware co-design of binary neural networks for FPGA boards.",
    )
    parser.add_argument("--version", action="version", version=f"hwnas {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"hwnas.commands.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args) or 0
    except UserError as exc:
        print(f"hwnas: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("hwnas: interrupted; finished work is kept in the output folder", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`hwnas estimate --json | head`): what it wanted it has. Point stdout
        # at /dev/null so the interpreter's final flush does not raise a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
