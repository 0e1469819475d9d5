"""How every command is declared: a command with its handler, its ``--format`` and ``--output``.

Each command module declares its parser with these few helpers, so that a command, a group of
subcommands and the options most commands share (the output format, the output file, the rule
set, an optional input file) read the same way, and say the same thing in ``--help``, everywhere.

Example:
    >>> import argparse
    >>> from clientcustomer.cli.options import (
    ...     add_command, add_format, add_group, add_optional_file, add_output, add_rules
    ... )
    >>> parser = argparse.ArgumentParser(prog="clientcustomer")
    >>> rules = add_group(parser.add_subparsers(), "rules", help="rules", description="Rules.")
    >>> show = add_command(rules, "show", lambda args: 0, help="show", description="Show.")
    >>> add_optional_file(show, "the rule set; the default one when omitted")
    >>> add_format(show, ("text", "json"), "text or JSON")
    >>> add_output(show)
    >>> add_rules(show)
    >>> args = parser.parse_args(["rules", "show", "--output", "out.txt"])
    >>> args.rules_command, args.file, args.format, args.output, args.rules, args.handler(args)
    ('show', None, 'text', 'out.txt', None, 0)
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

__all__ = [
    "Handler",
    "add_command",
    "add_format",
    "add_group",
    "add_optional_file",
    "add_output",
    "add_rules",
]

Handler = Callable[[argparse.Namespace], int]
"""What runs a command: the parsed arguments in, the exit status out."""


def add_command(
    subparsers: Any,  # noqa: ANN401 - argparse's subparsers action is private
    name: str,
    handler: Handler,
    *,
    help: str,  # noqa: A002 - argparse's own word
    description: str,
) -> argparse.ArgumentParser:
    """Add the command ``name``, run by ``handler``; its parser, for its arguments."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=help, description=description
    )
    parser.set_defaults(handler=handler)
    return parser


def add_group(
    subparsers: Any,  # noqa: ANN401 - argparse's subparsers action is private
    name: str,
    *,
    help: str,  # noqa: A002 - argparse's own word
    description: str,
) -> Any:  # noqa: ANN401 - argparse's subparsers action is private
    """Add the group ``name``; the action to add its subcommands to (chosen: ``<name>_command``)."""
    group = subparsers.add_parser(name, help=help, description=description)
    return group.add_subparsers(dest=f"{name}_command", metavar="SUBCOMMAND")


def add_format(parser: argparse.ArgumentParser, choices: Sequence[str], help: str) -> None:  # noqa: A002
    """Add ``--format``, one of ``choices``; the first is the default, which the help names."""
    parser.add_argument(
        "--format",
        choices=tuple(choices),
        default=choices[0],
        help=f"{help} (default: %(default)s)",
    )


def add_optional_file(
    parser: argparse.ArgumentParser,
    help: str,  # noqa: A002 - argparse's own word
    *,
    dest: str = "file",
) -> None:
    """Add the positional FILE the command reads, which may be left out (``None`` then)."""
    parser.add_argument(dest, metavar="FILE", nargs="?", help=help)


def add_output(
    parser: argparse.ArgumentParser,
    help: str = "write to FILE instead of stdout",  # noqa: A002 - argparse's own word
) -> None:
    """Add ``--output FILE``, where the command writes instead of stdout."""
    parser.add_argument("--output", metavar="FILE", help=help)


def add_rules(
    parser: argparse.ArgumentParser,
    help: str = "a rule set (.toml or .json) instead of the default",  # noqa: A002
) -> None:
    """Add ``--rules FILE``, the rule set to classify with instead of the default one."""
    parser.add_argument("--rules", metavar="FILE", help=help)
