"""What `hwnas COMMAND --help` shows: a description per command, help per option, one name for the spec."""

import argparse

from hwnas.cli import build_parser


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices


def test_every_command_has_a_description_and_every_option_help():
    missing = []
    for name, parser in subcommands().items():
        if not parser.description:
            missing.append(f"{name}: description")
        missing += [f"{name} {action.option_strings or action.dest}" for action in parser._actions if not action.help]
    assert missing == []


def test_the_positional_spec_has_one_name_across_commands():
    names = {
        name: [action.metavar or action.dest for action in parser._actions if not action.option_strings]
        for name, parser in subcommands().items()
    }
    positional = {name: found for name, found in names.items() if found}
    assert set(positional) >= {"estimate", "train", "lower", "build"}
    assert all(found == ["ARCH"] for found in positional.values()), positional
