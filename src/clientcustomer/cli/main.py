"""The ``clientcustomer`` command line (standard library only).

Each group of subcommands lives in its own module of this folder with a ``register(subparsers)``
function; this module builds the parser from them and dispatches. What the commands share lives
in `clientcustomer.cli.inputs` (files, logs, rule sets, dates) and `clientcustomer.cli.output`
(exit statuses, one-line messages, safe output files).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from clientcustomer.exceptions import ClientCustomerError

from . import classify, engagement, glossary, lifecycle, recommend, rules
from .output import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, one_line

_COMMANDS = (classify, rules, lifecycle, engagement, recommend, glossary)
"""The modules that register subcommands, in the order of the help text."""

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand.

    Example:
        >>> from clientcustomer.cli.main import build_parser
        >>> build_parser().prog
        'clientcustomer'
    """
    from clientcustomer import __version__  # noqa: PLC0415 - metadata read only when asked

    parser = argparse.ArgumentParser(
        prog="clientcustomer",
        description="Tell customers from clients: classify relationships and explain why.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _COMMANDS:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status.

    Args:
        argv: The arguments, without the program name; ``sys.argv[1:]`` when ``None``.

    Returns:
        0 on success, 1 when a check the command runs fails, 2 on bad input (one line on
        stderr, never a traceback).

    Example:
        >>> from clientcustomer.cli import main
        >>> main(["--version"])
        Traceback (most recent call last):
        ...
        SystemExit: 0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        if args.command is None:
            parser.print_help(sys.stdout)
            return EXIT_OK
        # A group such as ``rules`` given without its subcommand.
        parser.parse_args([*(argv or sys.argv[1:]), "--help"])
        return EXIT_BAD_INPUT  # pragma: no cover - --help exits
    try:
        return handler(args)
    except ClientCustomerError as error:
        sys.stderr.write(f"clientcustomer: error: {one_line(str(error))}\n")
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # pragma: no cover - e.g. `| head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:  # pragma: no cover - interactive
        sys.stderr.write("clientcustomer: interrupted\n")
        return EXIT_INTERRUPTED
