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
COMMANDS = ("boards", "examples", "estimate", "search", "train", "lower", "build")

# The training and FINN stack: a wheel installs only what boards, examples and estimate import.
STACK_MODULES = {"torch", "torchvision", "brevitas", "qonnx", "finn", "onnx", "onnxruntime", "onnxoptimizer", "onnxscript", "hls4ml"}


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


def missing_stack(command: str, module: str) -> str:
    from hwnas.resources import requirements_file

    return (
        f"hwnas {command} needs the training and FINN stack ({module.split('.')[0]} is not installed): run "
        f"`make install` in a clone of hwnas, or `pip install -r {requirements_file()}` and then "
        "`pip install --no-deps finn-plus==1.6.1`"
    )


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
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in STACK_MODULES:
            raise  # a module of hwnas's own declared dependencies missing is a broken install, not the user's
        print(f"hwnas: error: {missing_stack(args.command, exc.name)}", file=sys.stderr)
        return UserError.exit_code
    except BrokenPipeError:
        # The reader went away (`hwnas estimate --json | head`): what it wanted it has. Point stdout
        # at /dev/null so the interpreter's final flush does not raise a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
