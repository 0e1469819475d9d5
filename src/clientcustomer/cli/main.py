"""The ``clientcustomer`` command line (standard library only).

Each group of subcommands lives in its own module of this folder with a ``register(subparsers)``
function; this module builds the parser from them and dispatches. What the commands share lives
in `clientcustomer.cli.inputs` (files, logs, rule sets, dates) and `clientcustomer.cli.output`
(exit statuses, one-line messages, safe output files).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any

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
        0 on success, 1 when a check the command runs fails (a refusal), 2 on bad input or a
        destination that cannot be written (one line on stderr, never a traceback), 130 on
        SIGINT and 128 + N on SIGTERM or SIGHUP (after removing any temporary file). See the
        reference page "Errors and exit statuses".

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
        # A group such as ``rules`` given without its subcommand: a usage error.
        group = _subparsers(parser).choices[args.command]
        names = ", ".join(_subparsers(group).choices)
        group.error(f"expected a SUBCOMMAND ({names})")  # exits with status 2
    assert handler is not None  # noqa: S101 - for the type checker: error() exits
    try:
        status = handler(args)
        sys.stdout.flush()
    except ClientCustomerError as error:
        return _fail(one_line(str(error)))
    except BrokenPipeError:  # e.g. `| head`: the reader has what it wanted
        _silence_stdout()
        return EXIT_OK
    except OSError as error:  # a full disk or a closed terminal on stdout
        return _fail(f"standard output: {error.strerror or error}")
    except KeyboardInterrupt as error:
        signum = getattr(error, "signum", signal.SIGINT)
        sys.stderr.write(f"clientcustomer: interrupted ({signal.Signals(signum).name})\n")
        return EXIT_INTERRUPTED if signum == signal.SIGINT else 128 + signum
    return status


def _subparsers(parser: argparse.ArgumentParser) -> Any:  # noqa: ANN401 - argparse's private type
    """The subcommands of a parser (argparse keeps them among its actions)."""
    for action in parser._actions:  # noqa: SLF001 - argparse has no public accessor
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            return action
    raise AssertionError(parser.prog)  # pragma: no cover - only groups are asked


def _fail(message: str) -> int:
    sys.stderr.write(f"clientcustomer: error: {message}\n")
    return EXIT_BAD_INPUT


def _silence_stdout() -> None:
    """Point stdout at the null device so that the interpreter's last flush is quiet too."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (an in-process test)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)
